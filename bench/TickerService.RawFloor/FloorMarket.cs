using TickerService.Market;

namespace TickerService.RawFloor;

/// <summary>Ticks the simulator on a timer, like the service's Quartz tick job, and keeps the latest quotes.</summary>
public sealed class FloorMarket(MarketSimulator simulator, TimeSpan interval)
{
    public event Action<Quote[]>? OnTick;

    public Quote[] Latest { get; private set; } = simulator.Snapshot(Now());

    public void Start(CancellationToken stopping) => _ = Task.Run(async () =>
    {
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
        {
            var quotes = simulator.Tick(Now());
            Latest = quotes;
            OnTick?.Invoke(quotes);
        }
    }, stopping);

    // Whole milliseconds, as the service stamps its quotes.
    private static DateTime Now()
    {
        var ticks = DateTime.UtcNow.Ticks;
        return new DateTime(ticks - ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
    }
}
