using TickerService.Configuration;
using TickerService.Market;
using TickerService.Server.Feed;
using TickerService.Server.Recording;
using TickerService.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TickerService.Tests.Cluster;

/// <summary>
/// Replay mode in a cluster: only the leader plays the recording, onto the bus, so every node's
/// clients get the same recorded quotes once; a new leader plays on from the instant after the
/// last one the bus carried, without repeating or skipping any.
/// </summary>
public sealed class ReplayClusterTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string[] Symbols = ["XOM", "CVX"];

    private readonly string _folder = TempFolder.Create();

    [SkippableFact]
    public async Task Only_the_leader_plays_and_a_new_leader_goes_on_from_where_the_bus_was()
    {
        // 2,000 recorded instants at ten a second: longer than the test, whatever the machine's load.
        var recorded = Record(2000);
        var file = Path.Combine(_folder, "day.jsonl");
        await File.WriteAllLinesAsync(file, recorded.Select(RecordingFormats.ToJsonLine));
        var byKey = recorded.ToDictionary(q => (q.Symbol, q.Sequence));

        await using var cluster = await TestCluster.StartAsync(
            ["--Ticker:Feed:Mode=Replay", $"--Ticker:Feed:Replay:File={file}", "--Ticker:Feed:Replay:InstantsPerSecond=10"], "a", "b");
        var (leader, _) = await cluster.AgreedLeaderAsync();
        var follower = cluster.Nodes.Keys.Single(n => n != leader);
        var clients = await Task.WhenAll(cluster.Nodes.Keys.Select((node, i) =>
            ClusterClient.ConnectAsync(node, cluster.Nodes[node], i % 2 == 0 ? "json" : "messagepack", Symbols)));
        var onFollower = clients.Single(c => c.Node == follower);

        // Ten instants everywhere, forgotten: a node still compiling its code may conflate its first
        // quotes for a client (a gap by design, README "Gaps"), which is not what this test is about.
        var warm = clients.Max(c => c.LastSequence(Symbols[0])) + 10;
        await Eventually.TrueAsync(() => clients.All(c => c.LastSequence(Symbols[0]) >= warm), TimeSpan.FromSeconds(30));
        foreach (var client in clients)
        {
            client.Forget();
        }
        var target = warm + 20;
        await Eventually.TrueAsync(() => clients.All(c => c.LastSequence(Symbols[0]) >= target), TimeSpan.FromSeconds(30));
        // Every client got the recording itself, once: one node played it (two would repeat every quote).
        foreach (var client in clients)
        {
            AssertPlayedOnceInOrder(client, byKey);
        }

        var atKill = onFollower.LastSequence(Symbols[0]);
        cluster.Nodes[leader].Kill();
        output.WriteLine($"Killed {leader} at {Symbols[0]} #{atKill}");
        await Eventually.TrueAsync(() => onFollower.LastSequence(Symbols[0]) >= atKill + 20, TimeSpan.FromSeconds(30));
        var (next, _) = await cluster.AgreedLeaderAsync([follower]);
        Assert.Equal(follower, next);

        // Across the handover: the next recorded quotes, neither from the start again nor skipping any.
        AssertPlayedOnceInOrder(onFollower, byKey);
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task A_looping_replay_announces_each_pass_to_the_clients_of_every_node()
    {
        // Passes of 20 instants at 20 a second: a new pass every second.
        var recorded = Record(20);
        var file = Path.Combine(_folder, "short.jsonl");
        await File.WriteAllLinesAsync(file, recorded.Select(RecordingFormats.ToJsonLine));
        var first = recorded[0].Timestamp;

        await using var cluster = await TestCluster.StartAsync(
            ["--Ticker:Feed:Mode=Replay", $"--Ticker:Feed:Replay:File={file}", "--Ticker:Feed:Replay:InstantsPerSecond=20", "--Ticker:Feed:Replay:Loop=true"], "a", "b");
        var (leader, _) = await cluster.AgreedLeaderAsync();
        var follower = cluster.Nodes.Keys.Single(n => n != leader);
        await using var client = await ClusterClient.ConnectAsync(follower, cluster.Nodes[follower], "json", Symbols);

        // Two passes seen by a client of the node that does not play: each announced, at the recording's start.
        await Eventually.TrueAsync(() => client.Feeds.Length >= 2, TimeSpan.FromSeconds(30));
        Assert.All(client.Feeds, feed => Assert.Equal((FeedStatus.Replay, first), (feed.Mode, feed.At)));
        // Each pass moves the sequences on (a slow client may be conflated past some, never back).
        var sequences = client.Quotes(Symbols[0]).Select(q => q.Sequence).ToArray();
        Assert.True(sequences.Zip(sequences.Skip(1)).All(p => p.Second > p.First), $"Across passes: {string.Join(",", sequences)}");
    }

    // Per symbol the client's quotes are the recorded ones with consecutive sequences.
    private static void AssertPlayedOnceInOrder(ClusterClient client, Dictionary<(string, long), Quote> recorded)
    {
        foreach (var symbol in Symbols)
        {
            var quotes = client.Quotes(symbol);
            Assert.NotEmpty(quotes);
            for (var i = 0; i < quotes.Length; i++)
            {
                Assert.True(recorded.TryGetValue((symbol, quotes[i].Sequence), out var expected) && expected == quotes[i],
                    $"{client.Node}: {symbol} #{quotes[i].Sequence} is not the recorded quote: {quotes[i]}");
                if (i > 0)
                {
                    Assert.True(quotes[i].Sequence == quotes[i - 1].Sequence + 1,
                        $"{client.Node}: {symbol} went from #{quotes[i - 1].Sequence} to #{quotes[i].Sequence}.");
                }
            }
        }
    }

    // The simulator's XOM and CVX every 100 ms: instants of two quotes, sequences rising by one.
    private static Quote[] Record(int instants)
    {
        var catalog = new InstrumentCatalog(new TickerOptions().EffectiveInstruments);
        var simulator = new MarketSimulator(catalog, TimeSpan.FromMilliseconds(100), 11);
        var start = new DateTime(2030, 1, 2, 15, 0, 0, DateTimeKind.Utc);
        return [.. Enumerable.Range(0, instants).SelectMany(i => simulator.Tick(start.AddMilliseconds(100 * i)).Where(q => Symbols.Contains(q.Symbol)))];
    }

    public void Dispose() => TempFolder.Delete(_folder);
}
