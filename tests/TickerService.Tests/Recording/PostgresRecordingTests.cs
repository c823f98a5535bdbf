using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using TickerService.Market;
using TickerService.Server.Hub;
using TickerService.Server.Recording;
using TickerService.Tests.Infrastructure;
using TickerService.Tests.Replay;

namespace TickerService.Tests.Recording;

/// <summary>
/// The recording in PostgreSQL on a single node (<c>Ticker:Recording:Provider=Postgres</c>): what
/// the SQLite tests run on both providers do not reach (replay mode, a restart, resume, readiness,
/// a store that cannot be reached at start).
/// </summary>
public sealed class PostgresRecordingTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    [SkippableFact]
    public async Task ReplayModePlaysThePostgresRecording()
    {
        var database = postgres.CreateDatabase();
        using (var connection = new RecordingStore(new PostgresEngine(database)).OpenForWriting())
        {
            RecordingStore.Insert(connection, ReplaySessionTests.Recorded, ignoreDuplicates: false);
        }
        await using var server = new TickerServer()
            .WithPostgres(database)
            .With("Ticker:Feed:Mode", "Replay")
            .With("Ticker:Feed:Replay:Speed", "10")
            .With("Ticker:Feed:Replay:Loop", "true");
        await using var client = await server.ConnectAsync();
        await client.SubscribeAsync("XOM");

        var received = new List<Quote>();
        while (received.Count < 6)
        {
            received.AddRange(await client.NextBatchAsync());
        }

        // As ReplayFeedTests checks the SQLite database: each pass plays the recording, sequences moved on by 4.
        var recorded = ReplaySessionTests.Recorded;
        Assert.All(received, quote =>
        {
            var index = (int)((quote.Sequence - recorded[0].Sequence) % 4);
            var pass = (quote.Sequence - recorded[0].Sequence) / 4;
            Assert.Equal(recorded[index] with { Sequence = recorded[index].Sequence + 4 * pass }, quote);
        });
        Assert.Equal(recorded.Length, server.Store.Count());
    }

    [SkippableFact]
    public async Task SequencesContinueFromThePostgresRecordingAfterARestart()
    {
        var database = postgres.CreateDatabase();
        Quote[] lastBefore;
        await using (var server = new TickerServer().WithPostgres(database))
        {
            _ = server.BaseAddress;
            server.Market.Tick();
            lastBefore = [.. server.Market.Tick()];
        }

        await using var restarted = new TickerServer().WithPostgres(database);
        await using var client = await restarted.ConnectAsync();
        var snapshot = await client.SubscribeAsync("*");

        Assert.Equal(lastBefore.Select(q => (q.Symbol, q.Sequence + 1)), snapshot.Select(q => (q.Symbol, q.Sequence)));
    }

    [SkippableFact]
    public async Task ResumeReturnsRecordedAndUnflushedQuotesFromPostgres()
    {
        await using var server = new TickerServer().WithPostgres(postgres.CreateDatabase());
        var first = server.Market.Tick().Single(q => q.Symbol == "XOM").Sequence;
        server.Market.Tick();
        Assert.True(await server.Recorder.FlushAsync(CancellationToken.None));
        server.Market.Tick();

        await using var client = await server.ConnectAsync();
        var result = await client.Connection.InvokeAsync<ResumeResult>(
            "Resume", new ResumeRequest { Symbols = ["XOM"], After = new() { ["XOM"] = first } }).WaitAsync(TickerServer.Timeout);

        Assert.True(result.Complete);
        Assert.Equal([first + 1, first + 2], result.Quotes.Select(q => q.Sequence));
    }

    [SkippableFact]
    public async Task AFollowerResumesFromTheQuotesItDeliveredWhileTheLeaderHasNotWrittenThem()
    {
        // A follower of a cluster on the shared store: it never writes (the leader records the bus).
        await using var server = new TickerServer().WithPostgres(postgres.CreateDatabase())
            .WithServices(services => services.AddSingleton<ISharedRecording>(new NeverLeading()));
        var first = server.Market.Tick().Single(q => q.Symbol == "XOM").Sequence;
        server.Market.Tick();
        // Its flush only trims what it keeps to the last QuoteRecorder.SharedTail.
        Assert.True(await server.Recorder.FlushAsync(CancellationToken.None));
        server.Market.Tick();

        await using var client = await server.ConnectAsync();
        var result = await client.Connection.InvokeAsync<ResumeResult>(
            "Resume", new ResumeRequest { Symbols = ["XOM"], After = new() { ["XOM"] = first } }).WaitAsync(TickerServer.Timeout);

        Assert.Equal(0, server.Store.Count());
        Assert.True(result.Complete);
        Assert.Equal([first + 1, first + 2], result.Quotes.Select(q => q.Sequence));
    }

    [SkippableFact]
    public async Task ReadinessSaysWhenPostgresCannotBeWrittenAndTheFeedGoesOn()
    {
        var database = postgres.CreateDatabase();
        await using var server = new TickerServer().WithPostgres(database).With("Ticker:Recording:FlushInterval", "00:00:00.020");
        using var http = server.Http();
        await using var client = await server.ConnectAsync();
        await client.SubscribeAsync("XOM");
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);

        // The quotes table renamed away: every write fails, as on a store that refuses them.
        await ExecuteAsync(database, "ALTER TABLE quotes RENAME TO quotes_away");
        server.Market.Tick();
        Assert.Equal("XOM", (await client.NextBatchAsync()).Single().Symbol);
        await Eventually.TrueAsync(() => !server.Recorder.Status.Healthy);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/readyz")).StatusCode);

        await ExecuteAsync(database, "ALTER TABLE quotes_away RENAME TO quotes");
        await Eventually.TrueAsync(() => server.Recorder.Status.Healthy);
        Assert.Equal(15 * 2, server.Store.Count());
    }

    [SkippableFact]
    public async Task APostgresThatCannotBeReachedAtStartEndsTheProcessWithOneLine()
    {
        await using var child = ChildServer.Start(
            "--Ticker:Recording:Provider=Postgres",
            $"--Ticker:Recording:ConnectionString=Host=127.0.0.1;Port={TickerServer.FreePort()};Database=ticker;Username=ticker;Password=secret;Timeout=2");

        var exitCode = await child.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, exitCode);
        var line = Assert.Single(child.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("TickerService cannot start: the recording store (PostgreSQL 127.0.0.1:", line);
        Assert.DoesNotContain("secret", line);
    }

    private static async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private sealed class NeverLeading : ISharedRecording
    {
        public bool Leading => false;

        public (int Quotes, bool More) RecordNext(RecordingConnection connection) => throw new InvalidOperationException("A follower does not record.");
    }
}
