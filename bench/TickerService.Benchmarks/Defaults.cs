using TickerService.Configuration;
using TickerService.Market;

namespace TickerService.Benchmarks;

/// <summary>The server's out-of-the-box market, pinned by a seed, shared by every benchmark.</summary>
internal static class Defaults
{
    // OperationsPerInvoke needs a constant; Catalog() checks it still matches the defaults.
    public const int QuotesPerTick = 15;
    public const int Seed = 42;

    public static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(250);
    public static readonly DateTime Start = new(2026, 11, 27, 14, 30, 0, DateTimeKind.Utc);

    public static InstrumentCatalog Catalog()
    {
        var catalog = new InstrumentCatalog(DefaultInstruments.All);
        if (catalog.Count != QuotesPerTick)
        {
            throw new InvalidOperationException(
                $"The default catalog has {catalog.Count} instruments; set {nameof(QuotesPerTick)} to match, or every per-quote figure is off.");
        }
        return catalog;
    }

    /// <summary>Consecutive ticks of a fresh simulator, one batch each.</summary>
    public static Quote[][] Batches(InstrumentCatalog catalog, int ticks)
    {
        var simulator = new MarketSimulator(catalog, TickInterval, Seed);
        var batches = new Quote[ticks][];
        for (var i = 0; i < ticks; i++)
        {
            batches[i] = simulator.Tick(Start + i * TickInterval);
        }
        return batches;
    }
}
