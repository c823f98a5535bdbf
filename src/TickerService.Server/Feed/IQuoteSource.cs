namespace TickerService.Server.Feed;

/// <summary>
/// What drives the <see cref="TickerService.Pipelines.QuoteFeed"/>: the simulator (ticked by
/// Quartz or by a test) or a recording. Started once every consumer is subscribed, stopped before
/// the consumers are cut off.
/// </summary>
public interface IQuoteSource
{
    Task StartAsync(CancellationToken cancellationToken);

    Task StopAsync(CancellationToken cancellationToken);
}
