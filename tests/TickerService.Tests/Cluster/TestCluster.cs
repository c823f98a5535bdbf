using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using StackExchange.Redis;
using TickerService.Server.Cluster;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Cluster;

/// <summary>
/// A real redis-server and nodes as child processes (<c>dotnet TickerService.Server.dll</c>) joined
/// through it, each with its own recording file; and a StackExchange.Redis connection to read
/// the bus as it is.
/// </summary>
internal sealed class TestCluster : IAsyncDisposable
{
    // Five ticks a second: a failover's few seconds hold enough quotes to show a gap or a repeat.
    private const string TickInterval = "00:00:00.200";

    private readonly string _folder = TempFolder.Create();
    private readonly List<ChildServer> _started = [];
    private readonly string[] _settings;
    private ConnectionMultiplexer? _redis;

    private TestCluster(RedisServer redis, string[] settings)
    {
        Redis = redis;
        _settings = settings;
    }

    public RedisServer Redis { get; }

    public Dictionary<string, ChildServer> Nodes { get; } = [];

    public static Task<TestCluster> StartAsync(params string[] names) => StartAsync([], names);

    /// <summary>The nodes record in one PostgreSQL database (this connection string) instead of a file each; more settings for every node.</summary>
    public static Task<TestCluster> StartOnPostgresAsync(string postgres, string[] settings, params string[] names) =>
        StartAsync(["--Ticker:Recording:Provider=Postgres", $"--Ticker:Recording:ConnectionString={postgres}", .. settings], names);

    /// <summary>Nodes with these command-line settings as well (<c>--Key=value</c>), on every start.</summary>
    public static async Task<TestCluster> StartAsync(string[] settings, params string[] names)
    {
        var cluster = new TestCluster(await RedisServer.StartAsync(), settings);
        foreach (var name in names)
        {
            cluster.Nodes[name] = cluster.StartNode(name);
        }
        await Task.WhenAll(cluster.Nodes.Values.Select(node => node.WaitUntilUpAsync()));
        return cluster;
    }

    /// <summary>Starts (or starts again, on the same recording file) a node.</summary>
    public ChildServer StartNode(string name)
    {
        var node = ChildServer.Start(
        [
            $"--Ticker:Cluster:Redis={Redis.ConnectionString}",
            $"--Ticker:Cluster:Node={name}",
            $"--Ticker:Recording:Path={Path.Combine(_folder, name + ".db")}",
            $"--Ticker:Feed:TickInterval={TickInterval}",
            .. _settings,
        ]);
        _started.Add(node);
        return Nodes[name] = node;
    }

    public static async Task<ClusterStatus> StatusAsync(ChildServer node)
    {
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TickerServer.Timeout };
        return (await http.GetFromJsonAsync<ClusterStatus>(ClusterExtensions.Path))!;
    }

    /// <summary>Waits until exactly one of the nodes leads and every one of them knows it with the same epoch.</summary>
    /// <param name="newerThan">Wait for a leader of a later epoch than this one: right after a
    /// change (Redis restarted, say) the nodes may still agree on the old leader for a moment.</param>
    public async Task<(string Leader, long Epoch)> AgreedLeaderAsync(IEnumerable<string>? among = null, TimeSpan? timeout = null, long newerThan = 0)
    {
        var names = (among ?? Nodes.Keys).ToArray();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var statuses = await Task.WhenAll(names.Select(name => StatusAsync(Nodes[name])));
            var leaders = statuses.Where(s => s.Role == ClusterStatus.LeaderRole).ToArray();
            if (leaders.Length == 1 && leaders[0].Epoch > newerThan && statuses.All(s => s.Leader == leaders[0].Node && s.Epoch == leaders[0].Epoch))
            {
                foreach (var (status, name) in statuses.Zip(names))
                {
                    Assert.Equal(name, status.Node);
                    Assert.Equal(status.Node == leaders[0].Node ? ClusterStatus.LeaderRole : ClusterStatus.Follower, status.Role);
                }
                return (leaders[0].Node, leaders[0].Epoch);
            }
            Assert.True(deadline.Elapsed < (timeout ?? TickerServer.Timeout),
                $"No agreed leader{(newerThan > 0 ? $" of an epoch above {newerThan}" : "")}: {string.Join(", ", statuses.Select(s => $"{s.Node} {s.Role} epoch {s.Epoch} leader {s.Leader}"))}");
            await Task.Delay(50);
        }
    }

    /// <summary>The node's count of quotes conflated for slow connections (from /metrics).</summary>
    public static string Conflated(ChildServer node)
    {
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TickerServer.Timeout };
        var text = http.GetStringAsync("/metrics").Result;
        return string.Join("; ", text.Split('\n').Where(line => line.StartsWith("ticker_quotes_conflated", StringComparison.Ordinal)));
    }

    /// <summary>Every entry of the quote stream, oldest first.</summary>
    public async Task<BusEntry[]> ReadStreamAsync()
    {
        _redis ??= await ConnectionMultiplexer.ConnectAsync(Redis.ConnectionString);
        var entries = await _redis.GetDatabase().StreamRangeAsync(new ClusterKeys("ticker:").Quotes);
        return [.. entries.Select(BusEntry.Read).OfType<BusEntry>()];
    }

    /// <summary>SIGSTOP or SIGCONT to a node, by its process id.</summary>
    public static void Signal(ChildServer node, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", node.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _started)
        {
            // SIGKILL ends a node left stopped as well.
            await node.DisposeAsync();
        }
        _redis?.Dispose();
        await Redis.DisposeAsync();
        TempFolder.Delete(_folder);
    }
}
