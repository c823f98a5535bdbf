using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TickerService.Market;
using TickerService.Server.Hub;
using TickerService.Server.Recording;
using TickerService.Tests.Infrastructure;
using TickerService.Tests.Registry;

namespace TickerService.Tests.Recording;

/// <summary>
/// The recording's database going down (a real PostgreSQL stopped under a running service, then
/// started again): what needs it answers that it is unavailable, with a time to come back (HTTP 503
/// problem details and Retry-After; a <see cref="HubException"/> saying so), logged as a Warning
/// without a stack trace; live quotes go on, a resume gives what it can and says it is not
/// complete; and everything answers again once the database is back.
/// </summary>
public sealed class RecordingOutageTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    private const string History = "/api/quotes/OUT/history?from=2020-01-01T00:00:00Z&to=2021-01-01T00:00:00Z";

    [SkippableFact]
    public async Task WhileTheDatabaseIsDownItIsNamedAsUnavailableLiveQuotesGoOnAndAllComesBackAfter()
    {
        var logs = new CapturedLogs();
        await using var server = new TickerServer()
            .With("Ticker:AdminKey", PriceBarImportTests.Key)
            .WithPostgres(postgres.CreateDatabase())
            .WithServices(services => services.AddSingleton<ILoggerProvider>(logs));
        var bars = RegistryTests.Bars(10, new DateTime(2020, 1, 2, 0, 0, 0, DateTimeKind.Utc), TimeSpan.FromDays(1), dateOnly: true);
        var more = RegistryTests.Bars(5, new DateTime(2020, 2, 3, 0, 0, 0, DateTimeKind.Utc), TimeSpan.FromDays(1), dateOnly: true);
        await PriceBarImportTests.ImportAsync(server, "format=bars&symbol=OUT", bars, HttpStatusCode.OK);
        using var http = server.Http();
        Assert.Equal(10, (await http.GetFromJsonAsync<Quote[]>(History))!.Length);
        await using var client = await server.ConnectAsync();
        await client.SubscribeAsync("XOM");
        // XOM's sequence `first` seen; first + 1 recorded; first + 2 published while the database is down.
        var first = server.Market.Tick().Single(q => q.Symbol == "XOM").Sequence;
        server.Market.Tick();
        await server.Recorder.FlushAsync(CancellationToken.None);
        await DrainAsync(client, 2);

        postgres.Stop();
        try
        {
            using (var history = await http.GetAsync(History))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, history.StatusCode);
                Assert.Equal("application/problem+json", history.Content.Headers.ContentType?.MediaType);
                Assert.Equal(RecordingOutage.RetryAfter, history.Headers.RetryAfter?.Delta);
                var problem = JsonDocument.Parse(await history.Content.ReadAsStringAsync()).RootElement;
                Assert.Equal(503, problem.GetProperty("status").GetInt32());
                Assert.Equal(RecordingOutage.Message, problem.GetProperty("detail").GetString());
            }
            using (var latest = await http.GetAsync("/api/quotes/OUT"))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, latest.StatusCode);
            }
            var refused = await PriceBarImportTests.ImportAsync(server, "format=bars&symbol=OUT", more, HttpStatusCode.ServiceUnavailable);
            Assert.Equal(RecordingOutage.Message, refused.GetProperty("detail").GetString());

            var replay = await Assert.ThrowsAsync<HubException>(() => ReplayAsync(client));
            Assert.Contains(RecordingOutage.Message, replay.Message);

            // A resume after `first` cannot read first + 1 from the recording, and nothing newer is
            // waiting: no quote, and not complete (the next live one would skip first + 1).
            await using var resuming = await server.ConnectAsync();
            var nothing = await ResumeAsync(resuming, first);
            Assert.False(nothing.Complete);
            Assert.DoesNotContain(nothing.Quotes, q => q.Symbol == "XOM");

            // Live quotes go on.
            Assert.Equal(first + 2, server.Market.Tick().Single(q => q.Symbol == "XOM").Sequence);
            Assert.Equal(first + 2, (await client.NextBatchAsync()).Single(q => q.Symbol == "XOM").Sequence);

            // Now it gets the unflushed first + 2, still not complete.
            await using var again = await server.ConnectAsync();
            var resumed = await ResumeAsync(again, first);
            Assert.False(resumed.Complete);
            Assert.Equal([first + 2], resumed.Quotes.Where(q => q.Symbol == "XOM").Select(q => q.Sequence));
        }
        finally
        {
            postgres.Restart();
        }

        // Back: the pool's connections cut by the outage fail once each, then new ones answer.
        await AnswersAsync(http, History);
        Assert.Equal(10, (await http.GetFromJsonAsync<Quote[]>(History))!.Length);
        Assert.Equal(10, (await ReplayAsync(client)).Count);
        // The refused import wrote nothing, and goes in now.
        await PriceBarImportTests.ImportAsync(server, "format=bars&symbol=OUT", more, HttpStatusCode.OK);
        Assert.Equal(15, (await http.GetFromJsonAsync<Quote[]>(History))!.Length);

        // Told as Warnings naming the database, never an Error with a stack trace; the recorder's
        // own Error ("Recording to ... failed") is the one line an operator must act on.
        var entries = logs.Entries;
        Assert.Contains(entries, e => e is { Level: LogLevel.Warning, Exception: null } && e.Message.Contains("the recording database PostgreSQL", StringComparison.Ordinal));
        Assert.DoesNotContain(entries, e => e.Level >= LogLevel.Error && e.Category != typeof(QuoteRecorder).FullName);
    }

    // Polls until the request answers 200: a condition the restarted database makes true, bounded.
    private static async Task AnswersAsync(HttpClient http, string path)
    {
        var deadline = DateTime.UtcNow + TickerServer.Timeout;
        while (true)
        {
            using var response = await http.GetAsync(path);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.True(DateTime.UtcNow < deadline, $"{path} still answers {response.StatusCode} after the database came back.");
            await Task.Delay(50);
        }
    }

    [Fact]
    public void ASqliteFileLockedByAnotherWriterIsUnavailableAndABadStatementIsNot()
    {
        using var folder = new TempDatabase();
        var engine = new SqliteEngine(folder.Path);
        using var holder = engine.OpenForWriting();
        using var transaction = holder.BeginTransaction();
        using (var write = holder.CreateCommand())
        {
            write.CommandText = "DELETE FROM quotes"; // the write lock, as another process's import would hold it
            write.ExecuteNonQuery();
        }
        using var waiting = engine.OpenForWriting();
        using (var noWait = waiting.CreateCommand())
        {
            noWait.CommandText = "PRAGMA busy_timeout=0";
            noWait.ExecuteNonQuery();
        }
        using var busy = waiting.CreateCommand();
        busy.CommandTimeout = 1; // Microsoft.Data.Sqlite retries a busy statement for this long
        busy.CommandText = "DELETE FROM quotes";
        var locked = Assert.IsAssignableFrom<DbException>(Record.Exception(() => busy.ExecuteNonQuery()));
        using var bad = waiting.CreateCommand();
        bad.CommandText = "SELECT no_such_column FROM quotes";
        var wrong = Assert.IsAssignableFrom<DbException>(Record.Exception(() => bad.ExecuteNonQuery()));

        Assert.True(engine.IsUnavailable(locked), locked.Message);
        Assert.False(engine.IsUnavailable(wrong), wrong.Message);
        Assert.True(new RecordingStore(engine).IsUnavailable(new InvalidOperationException("wrapped", locked)));
    }

    private static Task<ResumeResult> ResumeAsync(QuoteClient client, long after) =>
        client.Connection.InvokeAsync<ResumeResult>("Resume", new ResumeRequest { Symbols = ["XOM"], After = new() { ["XOM"] = after } }).WaitAsync(TickerServer.Timeout);

    private static async Task DrainAsync(QuoteClient client, int batches)
    {
        for (var i = 0; i < batches; i++)
        {
            await client.NextBatchAsync();
        }
    }

    private static Task<List<Quote>> ReplayAsync(QuoteClient client) =>
        PriceBarImportTests.ReplayAsync(client, ["OUT"], new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc), $"out-{Guid.NewGuid():N}");
}
