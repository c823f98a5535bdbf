using StackExchange.Redis;

namespace TickerService.Server.Cluster;

/// <summary>The three Redis keys of one feed: the lease, the epoch counter and the quote stream.</summary>
public sealed class ClusterKeys(string prefix)
{
    /// <summary>Holds <c>node|epoch</c> of the leader, with the lease time as its expiry.</summary>
    public RedisKey Lease { get; } = prefix + "lease";

    /// <summary>The fencing token: INCR on every takeover, never reset.</summary>
    public RedisKey Epoch { get; } = prefix + "epoch";

    /// <summary>The quote bus: one entry per tick, capped.</summary>
    public RedisKey Quotes { get; } = prefix + "quotes";
}
