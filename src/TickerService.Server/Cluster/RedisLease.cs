using StackExchange.Redis;

namespace TickerService.Server.Cluster;

/// <summary>
/// The leader's lease: one Redis key holding <c>node|epoch</c> that expires unless renewed.
/// Taking it increments the epoch in the same script, so every takeover gets a larger fencing
/// token, and Redis, not a node's clock, decides who holds it: a leader paused past its lease
/// finds the key gone or someone else's when it wakes (see <see cref="QuoteBusOutlet"/>).
/// </summary>
/// <remarks>
/// DistributedLock.Redis was the other candidate: it keeps its lock value to itself, so a publish
/// could not be checked against it inside Redis, and it has no epoch. Three short scripts do both.
/// </remarks>
public sealed class RedisLease(IConnectionMultiplexer redis, ClusterKeys keys, TimeSpan leaseTime)
{
    // KEYS: lease, epoch. ARGV: node, lease ms, what this node held before (or ""), the highest epoch it has seen.
    // A free lease (or this node's own stale one) is taken with the next epoch; the floor keeps the
    // epoch growing after a Redis restart without persistence lost the counter.
    private const string AcquireScript = """
        local current = redis.call('GET', KEYS[1])
        if current and current ~= ARGV[3] then return {0, current} end
        local epoch = redis.call('INCR', KEYS[2])
        local floor = tonumber(ARGV[4])
        if epoch <= floor then
          epoch = floor + 1
          redis.call('SET', KEYS[2], epoch)
        end
        local holding = ARGV[1] .. '|' .. epoch
        redis.call('SET', KEYS[1], holding, 'PX', ARGV[2])
        return {1, holding}
        """;

    // KEYS: lease. ARGV: holding, lease ms.
    private const string RenewScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          return 1
        end
        return 0
        """;

    private IDatabase Db => redis.GetDatabase();

    private long LeaseMilliseconds => (long)leaseTime.TotalMilliseconds;

    /// <summary>Takes the lease if it is free; returns the holder afterwards and whether it is this node.</summary>
    public async Task<(bool Taken, string Holding)> TryAcquireAsync(string node, string? heldBefore, long epochFloor)
    {
        var result = (RedisResult[])(await Db.ScriptEvaluateAsync(AcquireScript, [keys.Lease, keys.Epoch],
            [node, LeaseMilliseconds, heldBefore ?? "", epochFloor]).ConfigureAwait(false))!;
        return ((long)result[0] == 1, (string)result[1]!);
    }

    /// <summary>Extends the lease if this node still holds it.</summary>
    public async Task<bool> RenewAsync(string holding) =>
        (long)(await Db.ScriptEvaluateAsync(RenewScript, [keys.Lease], [holding, LeaseMilliseconds]).ConfigureAwait(false)) == 1;

    /// <summary>Gives the lease up at a clean stop, so another node need not wait for it to expire.</summary>
    public Task ReleaseAsync(string holding) =>
        Db.ScriptEvaluateAsync("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0", [keys.Lease], [holding]);

    /// <summary>Who holds the lease now, or null.</summary>
    public async Task<string?> HolderAsync() => await Db.StringGetAsync(keys.Lease).ConfigureAwait(false);

    /// <summary>Splits <c>node|epoch</c>.</summary>
    public static (string Node, long Epoch) Parse(string holding)
    {
        var bar = holding.LastIndexOf('|');
        return bar < 0 || !long.TryParse(holding.AsSpan(bar + 1), out var epoch) ? (holding, 0) : (holding[..bar], epoch);
    }
}
