using TickerService.Pipelines;

namespace TickerService.Server.Feed;

/// <summary>
/// The simulator as the feed's source: continues each symbol's recorded sequence, then publishes
/// the opening snapshot. Quartz (or a test, in manual mode) ticks it from then on.
/// </summary>
internal sealed class SimulatorQuoteSource(SimulatedMarket market, IEnumerable<ISequenceHistory> histories, FeedState state) : IQuoteSource
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var history in histories)
        {
            market.ContinueSequences(history.LastSequences);
        }
        market.PublishSnapshot();
        state.Announce();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
