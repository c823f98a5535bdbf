using Microsoft.Extensions.Logging;
using TickerService.Configuration;
using TickerService.Market;
using TickerService.Server.Cluster;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Cluster;

/// <summary>
/// The fence itself, against a real redis-server: a leader whose lease ran out in Redis, and which
/// still believes it leads (as one does after a pause), has its append refused by Redis.
/// </summary>
public sealed class LeaseFencingTests
{
    private static readonly InstrumentCatalog Catalog = new(DefaultInstruments.All);

    [SkippableFact]
    public async Task A_leader_whose_lease_expired_is_refused_by_redis_though_it_still_believes_it_leads()
    {
        await using var redis = await RedisServer.StartAsync();
        using var connections = new BusConnections(redis.ConnectionString);
        var keys = new ClusterKeys("ticker:");
        var options = new ClusterOptions { Redis = redis.ConnectionString, LeaseTime = TimeSpan.FromSeconds(30) };
        var lease = new RedisLease(connections.Commands, keys, options.LeaseTime);

        using var logs = new CapturedLogs();
        using var factory = LoggerFactory.Create(builder => builder.AddProvider(logs));
        var a = new ClusterState("a", clustered: true);
        var (taken, holding) = await lease.TryAcquireAsync("a", null, 0);
        Assert.True(taken);
        Assert.Equal("a|1", holding);
        a.BecameLeader(holding, 1);
        var outletA = new QuoteBusOutlet(connections, keys, options, a, TimeProvider.System, factory.CreateLogger<QuoteBusOutlet>());
        var quotes = new MarketSimulator(Catalog, TimeSpan.FromMilliseconds(250), 1).Snapshot(new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc));
        outletA.Publish(quotes);
        Assert.True(1 == (await ReadAsync(connections, keys)).Length, string.Join('\n', logs.Entries));

        // A pauses: it renews nothing, and Redis lets its lease expire (brought forward, so no test waits 30 s).
        Assert.Equal(":1", await redis.CommandAsync("PEXPIRE ticker:lease 1"));
        await Eventually.TrueAsync(() => redis.CommandAsync("PTTL ticker:lease").Result == ":-2");
        // Nobody took it yet, and A's clock never noticed: Redis refuses all the same.
        Assert.True(a.IsLeader);
        outletA.Publish(quotes);
        Assert.False(a.IsLeader);
        Assert.Single(await ReadAsync(connections, keys));
        Assert.Contains(logs.Entries, e => e.Message.Contains("Redis refused its tick", StringComparison.Ordinal));

        // B takes over with a larger epoch; A, back and still holding its old "a|1", is refused again.
        var (takenByB, holdingB) = await lease.TryAcquireAsync("b", null, 0);
        Assert.True(takenByB);
        Assert.Equal("b|2", holdingB);
        a.BecameLeader(holding, 1);
        outletA.Publish(quotes);
        Assert.False(a.IsLeader);
        var (again, current) = await lease.TryAcquireAsync("a", holding, 1);
        Assert.False(again);
        Assert.Equal("b|2", current);

        var entries = await ReadAsync(connections, keys);
        Assert.Equal([1L], entries.Select(e => e.Epoch));
    }

    [SkippableFact]
    public async Task The_epoch_keeps_growing_when_redis_lost_its_counter()
    {
        await using var redis = await RedisServer.StartAsync();
        using var connections = new BusConnections(redis.ConnectionString);
        var lease = new RedisLease(connections.Commands, new ClusterKeys("ticker:"), TimeSpan.FromSeconds(5));

        // A node that knew epoch 7 before Redis restarted empty takes the lease with 8, not 1.
        var (taken, holding) = await lease.TryAcquireAsync("a", null, 7);
        Assert.True(taken);
        Assert.Equal("a|8", holding);
    }

    private static async Task<BusEntry[]> ReadAsync(BusConnections connections, ClusterKeys keys) =>
        [.. (await connections.Commands.GetDatabase().StreamRangeAsync(keys.Quotes)).Select(BusEntry.Read).OfType<BusEntry>()];
}
