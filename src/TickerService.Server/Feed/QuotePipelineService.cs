using System.Reactive.Disposables;
using TickerService.Pipelines;

namespace TickerService.Server.Feed;

/// <summary>
/// Subscribes every <see cref="IQuoteConsumer"/> to the feed, each on its own so one that throws
/// is logged and cut off from nothing, then publishes the opening snapshot. Registered before
/// Quartz, so the consumers are in place before the first tick.
/// </summary>
internal sealed partial class QuotePipelineService(
    QuoteFeed feed,
    IEnumerable<IQuoteConsumer> consumers,
    SimulatedMarket market,
    ILogger<QuotePipelineService> logger) : IHostedService
{
    private readonly CompositeDisposable _subscriptions = [];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var consumer in consumers)
        {
            var name = consumer.GetType().Name;
            _subscriptions.Add(feed.Batches.SubscribeIsolated(consumer.OnQuotes, e => LogConsumerFailed(e, name)));
            _subscriptions.Add(feed.Sessions.SubscribeIsolated(consumer.OnSession, e => LogConsumerFailed(e, name)));
        }
        market.PublishSnapshot();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscriptions.Dispose();
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Quote consumer {Consumer} failed; it stays subscribed and the feed goes on")]
    private partial void LogConsumerFailed(Exception exception, string consumer);
}
