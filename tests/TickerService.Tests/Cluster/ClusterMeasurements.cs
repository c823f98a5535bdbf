using System.Diagnostics;
using System.Globalization;
using TickerService.Configuration;
using TickerService.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TickerService.Tests.Cluster;

/// <summary>
/// The figures of docs/benchmarks.md ("Cluster"): failover time over several kills, the bus's
/// added latency and its CPU per tick. Minutes long, so they run only when asked:
/// <c>TICKER_MEASURE=1 dotnet test --filter FullyQualifiedName~ClusterMeasurements --logger "console;verbosity=detailed"</c>.
/// </summary>
public sealed class ClusterMeasurements(ITestOutputHelper output)
{
    private static readonly string Symbol = DefaultInstruments.All[0].Symbol;

    private static bool Asked => Environment.GetEnvironmentVariable("TICKER_MEASURE") == "1";

    [SkippableFact]
    public async Task Failover_time_over_kills()
    {
        Skip.IfNot(Asked, "A measurement: set TICKER_MEASURE=1.");
        await using var cluster = await TestCluster.StartAsync("a", "b", "c");
        var times = new List<double>();
        for (var kill = 0; kill < 10; kill++)
        {
            var (leader, _) = await cluster.AgreedLeaderAsync();
            var survivors = cluster.Nodes.Keys.Where(n => n != leader).ToArray();
            var clock = Stopwatch.StartNew();
            cluster.Nodes[leader].Kill();
            await cluster.AgreedLeaderAsync(survivors, TimeSpan.FromSeconds(10));
            times.Add(clock.Elapsed.TotalMilliseconds);
            output.WriteLine($"kill {kill + 1}: {leader} -> new leader in {clock.Elapsed.TotalMilliseconds:F0} ms");
            await cluster.StartNode(leader).WaitUntilUpAsync();
        }
        times.Sort();
        output.WriteLine($"failover ms: min {times[0]:F0}, median {times[times.Count / 2]:F0}, max {times[^1]:F0}");
    }

    [SkippableFact]
    public async Task Bus_latency_and_cpu_per_tick()
    {
        Skip.IfNot(Asked, "A measurement: set TICKER_MEASURE=1.");
        var window = TimeSpan.FromSeconds(30);

        // One node alone: the baseline.
        await using (var single = ChildServer.Start("--Ticker:Feed:TickInterval=00:00:00.200", $"--Ticker:Recording:Path={Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".db")}"))
        {
            await single.WaitUntilUpAsync();
            var (latencies, cpu, ticks) = await MeasureAsync(single, single, window);
            Report("single node", latencies, cpu, ticks);
        }

        await using var cluster = await TestCluster.StartAsync("a", "b");
        var (leader, _) = await cluster.AgreedLeaderAsync();
        var follower = cluster.Nodes.Keys.Single(n => n != leader);
        var leaderCpu = Cpu(cluster.Nodes[leader]);
        var (followerLatencies, followerCpu, clusterTicks) = await MeasureAsync(cluster.Nodes[follower], cluster.Nodes[follower], window);
        leaderCpu = Cpu(cluster.Nodes[leader]) - leaderCpu;
        Report($"cluster follower {follower}", followerLatencies, followerCpu, clusterTicks);
        output.WriteLine($"cluster leader {leader}: CPU {leaderCpu * 1000 / clusterTicks:F3} ms per tick (produces, appends, reads back and serves)");
    }

    // Client-side: from the quote's timestamp (the leader's tick, same machine clock) to its arrival.
    private async Task<(List<double> Latencies, double CpuSeconds, long Ticks)> MeasureAsync(ChildServer clientNode, ChildServer cpuNode, TimeSpan window)
    {
        var latencies = new List<double>();
        await using var client = await ClusterClient.ConnectAsync("x", clientNode, "json", Symbol);
        // Warm up the JIT first.
        var warm = client.LastSequence(Symbol) + 50;
        await Eventually.TrueAsync(() => client.LastSequence(Symbol) >= warm, TimeSpan.FromSeconds(60));
        client.Forget();
        client.OnQuote = quote => { lock (latencies) { latencies.Add((DateTime.UtcNow - quote.Timestamp).TotalMilliseconds); } };
        var cpu = Cpu(cpuNode);
        // A measuring window, not a wait for something to happen.
        await Task.Delay(window);
        cpu = Cpu(cpuNode) - cpu;
        client.OnQuote = null;
        lock (latencies)
        {
            // One symbol subscribed: one quote a tick.
            return ([.. latencies], cpu, latencies.Count);
        }
    }

    private void Report(string what, List<double> latencies, double cpuSeconds, long ticks)
    {
        latencies.Sort();
        output.WriteLine($"{what}: {latencies.Count} quotes, latency p50 {latencies[latencies.Count / 2]:F2} ms, p99 {latencies[(int)(latencies.Count * 0.99)]:F2} ms; CPU {cpuSeconds * 1000 / ticks:F3} ms per tick over {ticks} ticks");
    }

    // utime + stime of the process, from /proc (clock ticks of 1/100 s).
    private static double Cpu(ChildServer node)
    {
        var stat = File.ReadAllText($"/proc/{node.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }
}
