using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;
using TickerService.Configuration;
using TickerService.Market;
using TickerService.Server.Hub;
using TickerService.Server.Recording;
using TickerService.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TickerService.Tests.Cluster;

/// <summary>
/// Three nodes on a real redis-server recording in one real PostgreSQL (SPEC 12): the leader
/// records the bus once for all, a new leader continues from the cursor committed with the rows,
/// and followers serve history and resume from it for quotes they did not write.
/// </summary>
public sealed class SharedRecordingTests(PostgresServer postgres, ITestOutputHelper output) : IClassFixture<PostgresServer>
{
    private static readonly string[] Symbols = [.. DefaultInstruments.All.Take(2).Select(i => i.Symbol)];

    [SkippableFact]
    public async Task Killing_the_leader_while_it_records_leaves_every_published_quote_recorded_once_and_followers_serve_it()
    {
        var database = postgres.CreateDatabase();
        // Writes every 2 s (ten ticks): the leader dies with entries it published but did not record yet.
        await using var cluster = await TestCluster.StartOnPostgresAsync(database, ["--Ticker:Recording:FlushInterval=00:00:02"], "a", "b", "c");
        var (leader, _) = await cluster.AgreedLeaderAsync();
        var survivors = cluster.Nodes.Keys.Where(n => n != leader).ToArray();
        var clients = await Task.WhenAll(survivors.Select((node, i) =>
            ClusterClient.ConnectAsync(node, cluster.Nodes[node], i % 2 == 0 ? "json" : "messagepack", Symbols)));
        var store = new RecordingStore(new PostgresEngine(database));
        // The leader has recorded for a while, then dies with quotes published and not recorded yet.
        await Eventually.TrueAsync(() => clients.All(c => c.Quotes(Symbols[0]).Length >= 15), TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(() => store.Count() > 0, TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(() => clients.Min(c => c.LastSequence(Symbols[0])) > MaxSequence(database, Symbols[0]) + 2, TimeSpan.FromSeconds(30));
        cluster.Nodes[leader].Kill();
        var (next, _) = await cluster.AgreedLeaderAsync(survivors, TimeSpan.FromSeconds(10));
        var target = clients.Max(c => c.LastSequence(Symbols[0])) + 15;
        await Eventually.TrueAsync(() => clients.All(c => c.LastSequence(Symbols[0]) >= target), TimeSpan.FromSeconds(30));
        output.WriteLine($"{leader} killed, {next} leads");

        // Everything the clients saw, before, through and after the handover, is in the table once, as they saw it.
        foreach (var symbol in Symbols)
        {
            var seen = clients.SelectMany(c => c.Quotes(symbol)).DistinctBy(q => q.Sequence).OrderBy(q => q.Sequence).ToList();
            Assert.Equal(seen.Count, seen[^1].Sequence - seen[0].Sequence + 1);
            await Eventually.TrueAsync(() => MaxSequence(database, symbol) >= seen[^1].Sequence, TimeSpan.FromSeconds(15));
            var recorded = store.Read([symbol], DateTime.UnixEpoch, DateTime.MaxValue).ToList();
            var bySequence = recorded.ToDictionary(q => q.Sequence);
            Assert.Equal(recorded.Count, bySequence.Count);
            Assert.All(seen, quote => Assert.Equal(quote, bySequence[quote.Sequence]));
        }
        // Every quote the bus holds up to now is recorded as published, once the cursor has passed it.
        var bus = await cluster.ReadStreamAsync();
        var end = StreamCursor.Parse(bus[^1].Id);
        await Eventually.TrueAsync(() => Cursor(database) is { } cursor && StreamCursor.Parse(cursor).CompareTo(end) >= 0, TimeSpan.FromSeconds(15));
        var all = store.Read(null, DateTime.UnixEpoch, DateTime.MaxValue).ToDictionary(q => (q.Symbol, q.Sequence));
        var published = bus.SelectMany(e => e.Quotes ?? []).ToList();
        Assert.All(published, quote => Assert.Equal(quote, all[(quote.Symbol, quote.Sequence)]));
        // The bus holds the whole run (far below its cap): up to its end the recording is exactly the bus, nothing else, nothing twice.
        foreach (var symbol in Symbols)
        {
            var sequences = published.Where(q => q.Symbol == symbol).Select(q => q.Sequence).Order().ToList();
            Assert.Equal(sequences, all.Keys.Where(k => k.Symbol == symbol && k.Sequence <= sequences[^1]).Select(k => k.Sequence).Order());
            output.WriteLine($"{symbol}: {sequences.Count} quotes on the bus, {sequences[^1] - sequences[0] + 1 - sequences.Count} sequences missing between {sequences[0]} and {sequences[^1]}");
        }

        // A follower serves from the shared store quotes it never wrote (the killed leader's and the new one's).
        var follower = survivors.Single(n => n != next);
        using var http = new HttpClient { BaseAddress = cluster.Nodes[follower].BaseAddress, Timeout = TickerServer.Timeout };
        var history = (await http.GetFromJsonAsync<Quote[]>($"/api/quotes/{Symbols[0]}/history?from=2000-01-01T00:00:00Z&limit=10000"))!;
        Assert.Equal(store.Read([Symbols[0]], DateTime.UnixEpoch, DateTime.MaxValue).Take(history.Length), history);
        Assert.True(history.Length >= 30, $"{history.Length} quotes in the follower's history.");
        var written = System.Text.RegularExpressions.Regex.Match(await http.GetStringAsync("/metrics"), @"^ticker_recorder_written_total(\{[^}]*\})? (\S+)", System.Text.RegularExpressions.RegexOptions.Multiline);
        Assert.Equal("0", written.Success ? written.Groups[2].Value : "0");

        // A client resuming on a follower gets every quote it missed, though the leader writes only
        // every 2 s: the store holds the older ones, the follower's own recent tail the rest.
        var resumer = new HubConnectionBuilder().WithUrl(new Uri(cluster.Nodes[follower].BaseAddress, HubExtensions.Path)).Build();
        await resumer.StartAsync().WaitAsync(TickerServer.Timeout);
        var from = clients[0].LastSequence(Symbols[0]) - 20;
        var resumed = await resumer.InvokeAsync<ResumeResult>(
            "Resume", new ResumeRequest { Symbols = [Symbols[0]], After = new() { [Symbols[0]] = from } }).WaitAsync(TickerServer.Timeout);
        Assert.True(resumed.Complete, "The resume on the follower is not complete.");
        Assert.Equal(Enumerable.Range(1, resumed.Quotes.Length).Select(i => from + i), resumed.Quotes.Select(q => q.Sequence));
        Assert.True(resumed.Quotes.Length >= 20);
        await resumer.DisposeAsync();

        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    private static long MaxSequence(string database, string symbol)
    {
        using var connection = new NpgsqlConnection(database);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(sequence), 0) FROM quotes WHERE symbol = @symbol";
        command.Parameters.AddWithValue("symbol", symbol);
        return (long)command.ExecuteScalar()!;
    }

    private static string? Cursor(string database)
    {
        using var connection = new RecordingStore(new PostgresEngine(database)).OpenForWriting();
        return StreamCursor.Read(connection, "ticker:quotes");
    }
}
