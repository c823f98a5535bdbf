using StackExchange.Redis;
using TickerService.Market;
using TickerService.Pipelines;
using TickerService.Server.Feed;
using TickerService.Server.Observability;

namespace TickerService.Server.Cluster;

/// <summary>
/// Every node's (the leader's too) one reader of the quote bus: blocks on XREAD on a connection of
/// its own and publishes each entry into the node's <see cref="QuoteFeed"/>, so the cache, the
/// broadcaster, conflation and the recorder work as on a single node. It starts at the stream's
/// last entry, after filling the feed with the last quote of every symbol. While Redis is away it
/// retries; clients stay connected and simply see no quotes until it returns.
/// </summary>
internal sealed partial class QuoteBusReader(
    BusConnections connections,
    ClusterKeys keys,
    ClusterOptions options,
    ClusterState state,
    QuoteFeed feed,
    FeedState feedState,
    InstrumentCatalog catalog,
    TickerMetrics metrics,
    TimeProvider time,
    ILogger<QuoteBusReader> logger) : BackgroundService
{
    private const int BlockMilliseconds = 1000;
    private const int BatchEntries = 100;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);

    private volatile bool _connected;

    /// <summary>False while the last read failed (Redis unreachable).</summary>
    public bool Connected => _connected;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string? after = null;
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                after ??= await StartAsync().ConfigureAwait(false);
                var reply = await connections.Reads.GetDatabase().ExecuteAsync("XREAD",
                    "COUNT", BatchEntries, "BLOCK", BlockMilliseconds, "STREAMS", keys.Quotes, after).ConfigureAwait(false);
                _connected = true;
                if (failing)
                {
                    failing = false;
                    LogResumed(state.Node);
                }
                after = Publish(reply) ?? after;
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                _connected = false;
                if (!failing)
                {
                    failing = true;
                    LogUnreachable(exception, state.Node);
                }
                try
                {
                    await Task.Delay(RetryDelay, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    // The stream's end: its last quote of every symbol goes into the feed (the cache then has every
    // symbol, as a single node's opening snapshot gives it), and reading goes on after it.
    private async Task<string> StartAsync()
    {
        var tail = await StreamTail.ReadAsync(connections.Commands.GetDatabase(), keys.Quotes, catalog, options.StreamLength).ConfigureAwait(false);
        if (tail.LastQuotes.Count > 0)
        {
            feed.Publish(tail.LastQuotes);
        }
        LogJoined(state.Node, tail.LastId ?? "(empty)", tail.LastQuotes.Count);
        return tail.LastId ?? "0-0";
    }

    // Reply: [[stream, [[id, [field, value, ...]], ...]]], or null when BLOCK timed out.
    private string? Publish(RedisResult reply)
    {
        if (reply.IsNull)
        {
            return null;
        }
        string? last = null;
        foreach (var stream in (RedisResult[])reply!)
        {
            foreach (var item in (RedisResult[])((RedisResult[])stream!)[1]!)
            {
                var parts = (RedisResult[])item!;
                last = (string)parts[0]!;
                var entry = BusEntry.Read(last, (RedisResult[])parts[1]!);
                if (entry is null)
                {
                    continue;
                }
                if (entry.Quotes is { } quotes)
                {
                    if (feedState.IsReplay && quotes.Length > 0)
                    {
                        // Where the leader's replay has got to, for GET /api/feed on every node.
                        feedState.Played(quotes[0].Timestamp);
                    }
                    feed.Publish(quotes);
                }
                else if (entry.Session is { } session)
                {
                    feed.PublishSession(session);
                }
                else if (entry.Kind == BusEntry.FeedKind)
                {
                    // After the pass's first instant, so the status names its recorded time.
                    feedState.Announce();
                }
                metrics.RecordBusLag(time.GetUtcNow() - DateTimeOffset.FromUnixTimeMilliseconds(entry.PublishedAtMs));
            }
        }
        return last;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} reads the quote bus from entry {Id} ({Quotes} last quotes taken)")]
    private partial void LogJoined(string node, string id, int quotes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node} cannot read the quote bus; clients stay connected without quotes until Redis answers again")]
    private partial void LogUnreachable(Exception exception, string node);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} reads the quote bus again")]
    private partial void LogResumed(string node);
}
