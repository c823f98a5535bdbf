using System.Text.Json;
using StackExchange.Redis;
using TickerService.Market;
using TickerService.Pipelines;

namespace TickerService.Server.Cluster;

/// <summary>
/// Where the leader's simulator sends its ticks in a cluster: one stream entry per batch, appended
/// by a script that first checks, inside Redis, that the lease still holds this node's
/// <c>node|epoch</c>. A leader that lost its lease while paused (GC, SIGSTOP) is refused by Redis
/// however late its own clock thinks it is; it then steps down. On a follower nothing is produced.
/// </summary>
/// <remarks>
/// Called under the market's lock from the Quartz thread, so the call is synchronous: a tick is
/// appended before the next is made, which keeps the stream in sequence order. A batch that cannot
/// be appended (refused, or Redis unreachable) is dropped and the node steps down, so whoever
/// leads next (this node again, or another) continues from what the stream holds: no gap, no repeat.
/// </remarks>
internal sealed partial class QuoteBusOutlet(
    BusConnections connections,
    ClusterKeys keys,
    ClusterOptions options,
    ClusterState state,
    TimeProvider time,
    ILogger<QuoteBusOutlet> logger) : IQuoteOutlet
{
    // KEYS: lease, stream. ARGV: holding, max length, kind, data, epoch, publish time (ms).
    private const string PublishScript = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return false end
        return redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'k', ARGV[3], 'd', ARGV[4], 'e', ARGV[5], 't', ARGV[6])
        """;

    public bool IsProducing => state.IsLeader;

    public void Publish(IReadOnlyList<Quote> batch)
    {
        if (batch.Count > 0)
        {
            Append(BusEntry.QuotesKind, JsonSerializer.SerializeToUtf8Bytes(batch, BusEntry.Json));
        }
    }

    public void PublishSession(SessionEvent session) =>
        Append(BusEntry.SessionKind, JsonSerializer.SerializeToUtf8Bytes(session, BusEntry.Json));

    /// <summary>A replay pass started: every node sends <c>feed</c> to its clients when it reads this.</summary>
    public void PublishFeedStart() => Append(BusEntry.FeedKind, "{}"u8.ToArray());

    private void Append(string kind, byte[] data)
    {
        var holding = state.Holding;
        if (holding is null)
        {
            return;
        }
        var epoch = RedisLease.Parse(holding).Epoch;
        try
        {
            var id = connections.Commands.GetDatabase().ScriptEvaluate(PublishScript, [keys.Lease, keys.Quotes],
                [holding, options.StreamLength, kind, data, epoch, time.GetUtcNow().ToUnixTimeMilliseconds()]);
            if (id.IsNull && state.SteppedDown())
            {
                LogRefused(state.Node, epoch);
            }
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            if (state.SteppedDown())
            {
                LogUnreachable(exception, state.Node, epoch);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node} lost the lease of epoch {Epoch}: Redis refused its tick; it follows now")]
    private partial void LogRefused(string node, long epoch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node} could not append its tick to the quote bus (epoch {Epoch}); it steps down until it holds the lease again")]
    private partial void LogUnreachable(Exception exception, string node, long epoch);
}
