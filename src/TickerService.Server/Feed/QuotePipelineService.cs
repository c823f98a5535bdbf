using System.Reactive.Disposables;
using TickerService.Pipelines;

namespace TickerService.Server.Feed;

/// <summary>
/// Subscribes every <see cref="IQuoteConsumer"/> to the feed, each on its own so one that throws
/// is logged and cut off from nothing, then starts the feed's source (the simulator's opening
/// snapshot, or a replay). Registered before Quartz, so the consumers are in place before the
/// first tick, and stopped after it: the source stops, then the consumers are cut off.
/// </summary>
internal sealed partial class QuotePipelineService(
    QuoteFeed feed,
    IEnumerable<IQuoteConsumer> consumers,
    IQuoteSource source,
    ILogger<QuotePipelineService> logger) : IHostedService
{
    private readonly CompositeDisposable _subscriptions = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var consumer in consumers)
        {
            var name = consumer.GetType().Name;
            _subscriptions.Add(feed.Batches.SubscribeIsolated(consumer.OnQuotes, e => LogConsumerFailed(e, name)));
            _subscriptions.Add(feed.Sessions.SubscribeIsolated(consumer.OnSession, e => LogConsumerFailed(e, name)));
        }
        await source.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await source.StopAsync(cancellationToken).ConfigureAwait(false);
        _subscriptions.Dispose();
        // The recorder stops after this and writes what it holds: this count is what it must have.
        LogStopped(feed.PublishedCount);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Feed stopped after publishing {Published} quotes")]
    private partial void LogStopped(long published);

    [LoggerMessage(Level = LogLevel.Error, Message = "Quote consumer {Consumer} failed; it stays subscribed and the feed goes on")]
    private partial void LogConsumerFailed(Exception exception, string consumer);
}
