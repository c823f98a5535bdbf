using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TickerService.Configuration;
using TickerService.Market;
using TickerService.Server.Recording;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Registry;

/// <summary>
/// Issue 10: a real public file of daily bars (TestData/sp500-2008.csv) imported with
/// <c>format=bars</c> becomes a history-only instrument reachable by name everywhere a symbol is
/// taken, survives a restart and retention. Real Kestrel, real SQLite, the real .NET client.
/// </summary>
public class PriceBarImportTests : IDisposable
{
    public const string Key = "s3cret-admin-key";
    public const string SpxQuery = "format=bars&symbol=SPX&name=S%26P%20500";

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private readonly TempDatabase _database = new();
    private readonly string? _postgres;

    public PriceBarImportTests()
        : this(null)
    {
    }

    /// <param name="postgres">A PostgreSQL database's connection string; null: the SQLite file.</param>
    protected PriceBarImportTests(string? postgres) => _postgres = postgres;

    public void Dispose()
    {
        _database.Dispose();
        GC.SuppressFinalize(this);
    }

    public static string Sp500 => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "sp500-2008.csv"));

    [SkippableFact]
    public async Task ImportedBarsAreReachedByNameInHistoryExportReplayAndTheLatestQuote()
    {
        await using var server = Server();
        var imported = await ImportAsync(server, SpxQuery, Sp500, HttpStatusCode.OK);
        Assert.Equal(253, imported.GetProperty("imported").GetInt32());
        using var http = server.Http();

        var instruments = await http.GetFromJsonAsync<Instrument[]>("/api/instruments", Web);
        var spx = Assert.Single(instruments!, i => i.Symbol == "SPX");
        Assert.Equal(new Instrument { Symbol = "SPX", Name = "S&P 500", Currency = "", TickSize = 0.01, Decimals = 2, Simulated = false }, spx);
        Assert.Equal(DefaultInstruments.All.Select(i => i.Symbol), instruments!.Where(i => i.Simulated).Select(i => i.Symbol));

        var latest = await http.GetFromJsonAsync<Quote>("/api/quotes/spx", Web);
        Assert.Equal((903.25, 889.67, 910.32, new DateTime(2008, 12, 31, 21, 0, 0, DateTimeKind.Utc), SessionState.Closed), (latest!.Last, latest.Low, latest.High, latest.Timestamp, latest.Session));

        var history = (await http.GetFromJsonAsync<Quote[]>("/api/quotes/SPX/history?from=2008-01-01T00:00:00Z&to=2009-01-01T00:00:00Z", Web))!;
        Assert.Equal(253, history.Length);
        // The mapping (README "Price bars"): the first bar's previous close is its open; then the previous bar's close.
        var (first, second) = (history[0], history[1]);
        Assert.Equal((1447.16, 1467.97, -20.81, 1447.17, 1447.15, 3452650000L, 0L, 1L), (first.Last, first.PreviousClose, first.Change, first.Buy, first.Sell, first.Volume, first.PreviousVolume, first.Sequence));
        Assert.Equal((1447.16, 1447.16, 0.0, 3452650000L, 2L), (second.Last, second.PreviousClose, second.Change, second.PreviousVolume, second.Sequence));
        Assert.All(history, q => Assert.Null(QuoteInvariants.Check(q, 0.01m)));
        Assert.Equal(latest, history[^1]);

        var csv = await http.GetStringAsync("/api/recordings/export?symbols=spx&format=csv&from=2008-01-01T00:00:00Z");
        Assert.Equal(254, csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var all = await http.GetStringAsync("/api/recordings/export?symbols=*&from=2008-01-01T00:00:00Z");
        Assert.Equal(253, all.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.Contains("\"SPX\"", StringComparison.Ordinal)));

        await using var client = await server.ConnectAsync("messagepack");
        var replayed = await ReplayAsync(client, ["spx"]);
        Assert.Equal(history, replayed);
        Assert.Contains(await client.Connection.InvokeAsync<Instrument[]>("GetInstruments").WaitAsync(TickerServer.Timeout), i => i.Symbol == "SPX" && !i.Simulated);
    }

    [SkippableFact]
    public async Task LiveCallsNameAHistoryOnlySymbolAndUnknownOnesBesideTheStarAreReported()
    {
        await using var server = Server();
        await ImportAsync(server, SpxQuery, Sp500, HttpStatusCode.OK);
        await using var client = await server.ConnectAsync();

        var subscribe = await Assert.ThrowsAsync<HubException>(() => client.SubscribeAsync("XOM", "SPX"));
        Assert.Contains("History-only symbol(s): SPX", subscribe.Message);
        Assert.Contains("replay", subscribe.Message);

        var replay = await Assert.ThrowsAsync<HubException>(() => ReplayAsync(client, ["*", "NOPE"]));
        Assert.Contains("Unknown symbol(s): NOPE", replay.Message);

        using var http = server.Http();
        using var unknown = await http.GetAsync("/api/quotes/NOPE");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.NotEmpty(await client.SubscribeAsync("XOM"));
    }

    [SkippableFact]
    public async Task ARestartKeepsTheHistoryOnlyInstrument()
    {
        await using (var server = Server())
        {
            await ImportAsync(server, SpxQuery, Sp500, HttpStatusCode.OK);
        }

        await using var restarted = Server();
        using var http = restarted.Http();
        var instruments = await http.GetFromJsonAsync<Instrument[]>("/api/instruments", Web);
        Assert.Contains(instruments!, i => i is { Symbol: "SPX", Name: "S&P 500", Simulated: false });
        Assert.Equal(903.25, (await http.GetFromJsonAsync<Quote>("/api/quotes/SPX", Web))!.Last);

        // More bars continue its sequences; bars dated before its newest would repeat them.
        var next = await ImportAsync(restarted, SpxQuery, "date,open,high,low,close\n2009-01-02,902.99,934.73,899.35,931.80\n", HttpStatusCode.OK);
        Assert.Equal(1, next.GetProperty("imported").GetInt32());
        Assert.Equal(254, (await http.GetFromJsonAsync<Quote>("/api/quotes/SPX", Web))!.Sequence);
        var older = await ImportAsync(restarted, SpxQuery, "date,open,high,low,close\n2007-12-31,1,1,1,1\n", HttpStatusCode.Conflict);
        Assert.Equal("sequence", older.GetProperty("field").GetString());
    }

    [SkippableFact]
    public async Task AFileNewestFirstImportsAsTheSameQuotes()
    {
        await using var server = Server();
        var lines = Sp500.TrimEnd('\n').Split('\n');
        var reversed = string.Join('\n', [lines[0], .. lines.Skip(1).Reverse()]);

        await ImportAsync(server, "format=bars&symbol=FWD", Sp500, HttpStatusCode.OK);
        await ImportAsync(server, "format=bars&symbol=REV", reversed, HttpStatusCode.OK);

        Assert.Equal(RecordedAsAnyone(server, "FWD"), RecordedAsAnyone(server, "REV"));
    }

    [SkippableFact]
    public async Task ASymbolColumnAndExtraColumnsAreRead()
    {
        await using var server = Server();
        const string bars = "Symbol,Name,Date,Open,High,Low,Close,Adj Close,Volume\nAAA,Alpha,2024-03-01,10,11,9.5,10.5,10.4,1000\nBBB,Beta,2024-03-01,20,21,19,20.5,20.4,\nAAA,Alpha,2024-03-04,10.5,12,10,11.99,11.9,2000\n";

        await ImportAsync(server, "format=bars", bars, HttpStatusCode.OK);

        var aaa = server.Store.Read(["AAA"], DateTime.UnixEpoch, DateTime.MaxValue).ToList();
        Assert.Equal([10.5, 11.99], aaa.Select(q => q.Last));
        Assert.Equal((10.5, 1000L, 2000L), (aaa[1].PreviousClose, aaa[1].PreviousVolume, aaa[1].Volume));
        Assert.Equal(0, server.Store.Read(["BBB"], DateTime.UnixEpoch, DateTime.MaxValue).Single().Volume);
    }

    public static TheoryData<string, string, int, string> Refusals() => new()
    {
        { "high below the close", "date,open,high,low,close\n2024-01-02,10,11,9,10\n2024-01-03,10,10.5,9,10.6\n", 3, "high" },
        { "low above the open", "date,open,high,low,close\n2024-01-02,10,11,10.1,10.5\n", 2, "low" },
        { "a price of 0", "date,open,high,low,close\n2024-01-02,10,11,9,10\n2024-01-03,0,11,9,10\n", 3, "open" },
        { "a negative price", "date,open,high,low,close\n2024-01-02,10,11,-9,10\n", 2, "low" },
        { "a number as text", "date,open,high,low,close\n2024-01-02,10,11,9,ten\n", 2, "close" },
        { "a bad date", "date,open,high,low,close\n2024-01-02,10,11,9,10\n2024-02-30,10,11,9,10\n", 3, "date" },
        { "a date in the future", "date,open,high,low,close\n2024-01-02,10,11,9,10\n2999-01-04,10,11,9,10\n", 3, "date" },
        { "a duplicated date", "date,open,high,low,close\n2024-01-02,10,11,9,10\n2024-01-03,10,11,9,10\n2024-01-02,10,11,9,10\n", 4, "date" },
        { "a duplicated timestamp", "timestamp,open,high,low,close\n2024-01-02T14:30:00Z,10,11,9,10\n2024-01-02T15:30:00+01:00,10,11,9,10\n", 3, "timestamp" },
        { "a missing column", "date,open,high,close\n2024-01-02,10,11,10\n", 1, "low" },
        { "a short row", "date,open,high,low,close\n2024-01-02,10,11,9\n", 2, "close" },
        { "a price rounding to 0", "date,open,high,low,close\n2024-01-02,0.004,0.004,0.004,0.004\n", 2, "open" },
        { "a bad volume", "date,open,high,low,close,volume\n2024-01-02,10,11,9,10,1.5\n", 2, "volume" },
    };

    // Past the first batches (PriceBars.BatchSize): mapped, and written in the import's transaction, before the bad line counts.
    private static readonly string ThousandGoodMinutes = RegistryTests.Bars(1_000, new DateTime(2024, 1, 2, 14, 30, 0, DateTimeKind.Utc), TimeSpan.FromMinutes(1), dateOnly: false);

    public static TheoryData<string, string, int, string> RefusalsAfterAThousandGoodBars() => new()
    {
        // Found by the parser, after the writer has written what came before.
        { "a number as text", ThousandGoodMinutes + "2024-01-03T07:10:00Z,10,11,9,ten,10,100\n", 1_002, "close" },
        // Found by the mapping, on the writer's side: the general path names it.
        { "a price rounding to 0", ThousandGoodMinutes + "2024-01-03T07:10:00Z,0.004,0.004,0.004,0.004,0.004,100\n", 1_002, "open" },
    };

    [SkippableTheory]
    [MemberData(nameof(RefusalsAfterAThousandGoodBars))]
    public async Task ARefusalAfterAThousandGoodBarsWritesNothing(string why, string bars, int line, string field) =>
        await EachRefusalNamesTheLineAndFieldAndWritesNothing(why, bars, line, field);

    [SkippableFact]
    public async Task ABarOutOfOrderLateInTheFileImportsAsTheSortedFile()
    {
        await using var server = Server();
        var inOrder = RegistryTests.Bars(StreamedBarWriter.InsertSize + 1_000, new DateTime(2024, 1, 2, 14, 30, 0, DateTimeKind.Utc), TimeSpan.FromMinutes(1), dateOnly: false);
        var lines = inOrder.TrimEnd('\n').Split('\n');
        // The 10th bar moved to the end: the writer has written a first lot of quotes when it meets it.
        var late = string.Join('\n', [.. lines.Where((_, i) => i != 10), lines[10]]) + "\n";

        await ImportAsync(server, "format=bars&symbol=SORTED", inOrder, HttpStatusCode.OK);
        var imported = await ImportAsync(server, "format=bars&symbol=LATE", late, HttpStatusCode.OK);

        Assert.Equal(StreamedBarWriter.InsertSize + 1_000, imported.GetProperty("imported").GetInt32());
        Assert.Equal(RecordedAsAnyone(server, "SORTED"), RecordedAsAnyone(server, "LATE"));
    }

    [SkippableFact]
    public async Task BarsOfAKnownSymbolInAnotherTickAreRefusedAndWriteNothing()
    {
        await using var server = Server();
        await ImportAsync(server, "format=bars&symbol=ES&tickSize=0.25", "date,open,high,low,close\n2024-01-02,4700.10,4710.40,4690.20,4705.30\n", HttpStatusCode.OK);

        var problem = await ImportAsync(server, "format=bars&symbol=ES&tickSize=0.01", "date,open,high,low,close\n2024-01-03,4700.10,4710.40,4690.20,4705.30\n", HttpStatusCode.BadRequest);

        Assert.Equal("tickSize", problem.GetProperty("field").GetString());
        Assert.Single(server.Store.Read(["ES"], DateTime.UnixEpoch, DateTime.MaxValue));
    }

    [SkippableTheory]
    [MemberData(nameof(Refusals))]
    public async Task EachRefusalNamesTheLineAndFieldAndWritesNothing(string why, string bars, int line, string field)
    {
        await using var server = Server();

        var problem = await ImportAsync(server, "format=bars&symbol=BAD", bars, HttpStatusCode.BadRequest);

        Assert.True((line, field) == (problem.GetProperty("line").GetInt32(), problem.GetProperty("field").GetString()), $"{why}: {problem}");
        Assert.Contains($"Line {line}, field '{field}'", problem.GetProperty("detail").GetString());
        Assert.Empty(server.Store.Read(["BAD"], DateTime.UnixEpoch, DateTime.MaxValue));
        using var http = server.Http();
        Assert.DoesNotContain(await http.GetFromJsonAsync<Instrument[]>("/api/instruments", Web) ?? [], i => i.Symbol == "BAD");
    }

    [SkippableFact]
    public async Task AHistoryOnlyInstrumentIsCheckedAgainstItsOwnTick()
    {
        await using var server = Server();
        await ImportAsync(server, "format=bars&symbol=ES&tickSize=0.25", "date,open,high,low,close\n2024-01-02,4700.10,4710.40,4690.20,4705.30\n", HttpStatusCode.OK);
        using var http = server.Http();
        var es = (await http.GetFromJsonAsync<Quote>("/api/quotes/ES", Web))!;
        Assert.Equal((4700.0, 4710.5, 4690.25, 4705.25, 4705.5, 4705.0), (es.Open, es.High, es.Low, es.Last, es.Buy, es.Sell));
        Assert.Contains(await http.GetFromJsonAsync<Instrument[]>("/api/instruments", Web) ?? [], i => i is { Symbol: "ES", TickSize: 0.25, Decimals: 2 });

        // A quote priced in cents is off this instrument's tick.
        var cents = es with { Timestamp = es.Timestamp.AddDays(1), Sequence = 2, Last = 4705.1, High = 4710.5, Change = 0.1, ChangePercent = 0 };
        using var content = new StringContent(RecordingFormats.ToJsonLine(cents), Encoding.UTF8, "application/x-ndjson");
        content.Headers.Add(RecordingApi.AdminKeyHeader, Key);
        using var response = await http.PostAsync("/api/recordings/import", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("is not a whole number of 0.25 ticks", await response.Content.ReadAsStringAsync());
    }

    [SkippableFact]
    public async Task NoSymbolAnywhereIsRefused()
    {
        await using var server = Server();

        var problem = await ImportAsync(server, "format=bars", "date,open,high,low,close\n2024-01-02,10,11,9,10\n", HttpStatusCode.BadRequest);

        Assert.Equal("symbol", problem.GetProperty("field").GetString());
    }

    [SkippableFact]
    public async Task RetentionNeverDeletesImportedQuotes()
    {
        await using var server = Server();
        await ImportAsync(server, SpxQuery, Sp500, HttpStatusCode.OK);
        // A recorder's own quotes as old as the import: these retention deletes.
        var old = new MarketSimulator(new InstrumentCatalog(DefaultInstruments.All), TimeSpan.FromMilliseconds(250), 1)
            .Tick(new DateTime(2008, 6, 2, 15, 0, 0, DateTimeKind.Utc));
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
        var recorder = new QuoteRecorder(server.Store, new InstrumentCatalog(DefaultInstruments.All),
            Options.Create(new TickerOptions { Recording = { Retention = TimeSpan.FromDays(7) } }), clock, NullLogger<QuoteRecorder>.Instance);
        recorder.OnQuotes(old);

        // One flush writes the queued quotes, then runs the retention pass (the first one is due at once).
        Assert.True(await recorder.FlushAsync(CancellationToken.None));

        Assert.DoesNotContain(server.Store.Read(null, DateTime.UnixEpoch, new DateTime(2009, 1, 1, 0, 0, 0, DateTimeKind.Utc)), q => q.Symbol != "SPX");
        Assert.Equal(253, server.Store.Read(["SPX"], DateTime.UnixEpoch, DateTime.MaxValue).Count());
        recorder.Dispose();
    }

    // A symbol's recorded quotes with the symbol and name blanked, to compare two imports of one file.
    private static List<Quote> RecordedAsAnyone(TickerServer server, string symbol) =>
        [.. server.Store.Read([symbol], DateTime.UnixEpoch, DateTime.MaxValue).Select(q => q with { Symbol = "", Name = "" })];

    internal TickerServer Server() => new TickerServer(_database.Path).With("Ticker:AdminKey", Key).WithPostgres(_postgres);

    internal static async Task<JsonElement> ImportAsync(TickerServer server, string query, string body, HttpStatusCode expected, TimeSpan? timeout = null)
    {
        using var http = server.Http();
        http.Timeout = timeout ?? TickerServer.Timeout;
        using var content = new StringContent(body, Encoding.UTF8, "text/csv");
        content.Headers.Add(RecordingApi.AdminKeyHeader, Key);
        using var response = await http.PostAsync($"/api/recordings/import?{query}", content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<JsonElement>(text);
    }

    /// <summary>Everything recorded of <paramref name="symbols"/> from <paramref name="from"/> (default: 2008) on, as fast as it goes.</summary>
    internal static async Task<List<Quote>> ReplayAsync(QuoteClient client, string[] symbols, DateTime? from = null, string replayId = "bars")
    {
        var request = new ReplayRequest { Symbols = symbols, From = from ?? new DateTime(2008, 1, 1, 0, 0, 0, DateTimeKind.Utc), Speed = 0, ReplayId = replayId };
        var quotes = new List<Quote>();
        using var cancel = new CancellationTokenSource(TickerServer.Timeout);
        await foreach (var quote in client.Connection.StreamAsync<Quote>("Replay", request, cancel.Token))
        {
            quotes.Add(quote);
        }
        return quotes;
    }
}

public sealed class PostgresPriceBarImportTests(PostgresServer postgres) : PriceBarImportTests(postgres.CreateDatabase()), IClassFixture<PostgresServer>;
