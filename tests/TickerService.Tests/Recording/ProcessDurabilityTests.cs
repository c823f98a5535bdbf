using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Data.Sqlite;
using TickerService.Market;
using TickerService.Server.Recording;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Recording;

/// <summary>The recorder against a real process end: killed outright, or stopped by SIGTERM.</summary>
public sealed class ProcessDurabilityTests : IDisposable
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(200);

    // A timer fires late on a busy machine and a flush takes time: the allowance on top of one interval.
    private static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(300);

    private readonly TempDatabase _database = new();

    private string DatabasePath => _database.Path;

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task AKilledProcessLosesAtMostOneFlushIntervalAndSequencesContinue()
    {
        DateTime killedAt;
        await using (var child = StartChild())
        {
            await child.WaitUntilUpAsync();
            var store = new RecordingStore(DatabasePath);
            await Eventually.TrueAsync(() => SafeCount(store) >= 15 * 20, TimeSpan.FromSeconds(30));

            killedAt = DateTime.UtcNow;
            child.Kill();
            await child.WaitForExitAsync(TickerServer.Timeout);
        }

        Assert.Equal("ok", IntegrityCheck());
        var recorded = new RecordingStore(DatabasePath).Read(null, DateTime.UnixEpoch, DateTime.MaxValue).ToList();
        var newest = recorded.Max(q => q.Timestamp);
        Assert.True(killedAt - newest <= FlushInterval + Slack, $"The newest recorded quote is {(killedAt - newest).TotalMilliseconds} ms older than the kill.");
        AssertNoGaps(recorded);

        // Restarted on the same database, every symbol goes on from its recorded sequence.
        await using var restarted = new TickerServer(DatabasePath);
        await using var client = await restarted.ConnectAsync();
        var snapshot = await client.SubscribeAsync("*");
        var last = recorded.GroupBy(q => q.Symbol).ToDictionary(g => g.Key, g => g.Max(q => q.Sequence));
        Assert.All(snapshot, q => Assert.Equal(last[q.Symbol] + 1, q.Sequence));
    }

    [Fact]
    public async Task SigtermLosesNothingAndClientsReconnect()
    {
        var received = new List<Quote>();
        string output;
        await using (var child = StartChild("--Logging:LogLevel:TickerService.Server.Feed.QuotePipelineService=Information"))
        {
            await child.WaitUntilUpAsync();
            var connection = new HubConnectionBuilder()
                .WithUrl(new Uri(child.BaseAddress, "/hubs/quotes"))
                .WithAutomaticReconnect()
                .Build();
            var reconnecting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            connection.Reconnecting += _ => { reconnecting.TrySetResult(); return Task.CompletedTask; };
            connection.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };
            await using var client = new QuoteClient(connection);
            await connection.StartAsync().WaitAsync(TickerServer.Timeout);
            received.AddRange(await client.SubscribeAsync("*"));
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (received.Count < 15 * 20 && DateTime.UtcNow < deadline)
            {
                received.AddRange(await client.NextBatchAsync());
            }

            child.Terminate();
            // Well inside the host's 30 s shutdown timeout, though the client tries to reconnect meanwhile.
            Assert.Equal(0, await child.WaitForExitAsync(TimeSpan.FromSeconds(20)));
            output = child.Output;

            // The close is one a client recovers from: it starts reconnecting instead of giving up.
            var first = await Task.WhenAny(reconnecting.Task, closed.Task).WaitAsync(TickerServer.Timeout);
            Assert.True(first == reconnecting.Task, "The client's connection closed for good instead of reconnecting.");
        }

        Assert.Equal("ok", IntegrityCheck());
        var recorded = new RecordingStore(DatabasePath).Read(null, DateTime.UnixEpoch, DateTime.MaxValue).ToList();
        // Every quote the feed published is recorded (the database was empty), and none twice.
        var stopped = Regex.Match(output, @"Feed stopped after publishing (\d+) quotes");
        Assert.True(stopped.Success, $"The server did not log how many quotes it published: {output}");
        Assert.Equal(long.Parse(stopped.Groups[1].Value, CultureInfo.InvariantCulture), recorded.Count);
        Assert.Equal(recorded.Count, recorded.Select(q => (q.Symbol, q.Sequence)).Distinct().Count());
        // Every quote a client saw is among them, and no symbol's sequence has a hole.
        Assert.Empty(received.Except(recorded));
        AssertNoGaps(recorded);
    }

    private ChildServer StartChild(params string[] more) => ChildServer.Start([
        $"--Ticker:Recording:Path={DatabasePath}",
        $"--Ticker:Recording:FlushInterval={FlushInterval}",
        "--Ticker:Feed:TickInterval=00:00:00.020",
        "--Ticker:Feed:Seed=42",
        .. more]);

    private static void AssertNoGaps(List<Quote> recorded)
    {
        foreach (var symbol in recorded.GroupBy(q => q.Symbol))
        {
            var sequences = symbol.Select(q => q.Sequence).Order().ToList();
            Assert.Equal(Enumerable.Range(0, sequences.Count).Select(i => sequences[0] + i), sequences);
        }
    }

    private static long SafeCount(RecordingStore store)
    {
        try
        {
            return store.Count();
        }
        catch (SqliteException)
        {
            return 0;
        }
    }

    private string IntegrityCheck()
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        return (string)command.ExecuteScalar()!;
    }
}
