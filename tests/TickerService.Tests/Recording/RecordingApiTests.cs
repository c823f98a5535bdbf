using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using TickerService.Market;
using TickerService.Server.Recording;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Recording;

/// <summary>History, export and import on SQLite; <see cref="PostgresRecordingApiTests"/> runs them on PostgreSQL.</summary>
public class RecordingApiTests : IAsyncLifetime
{
    private const string Key = "s3cret-admin-key";

    private readonly PostgresServer? _postgres;
    private readonly TickerServer _source;
    private readonly TickerServer _target;

    public RecordingApiTests()
        : this(null)
    {
    }

    protected RecordingApiTests(PostgresServer? postgres)
    {
        _postgres = postgres;
        _source = new TickerServer().WithPostgres(postgres?.CreateDatabase());
        _target = new TickerServer()
            .With("Ticker:Recording:Enabled", "false")
            .With("Ticker:AdminKey", Key)
            .WithPostgres(postgres?.CreateDatabase());
    }

    private DateTime _from;
    private List<Quote> _recorded = [];

    public async Task InitializeAsync()
    {
        _from = DateTime.UtcNow.AddMinutes(-1);
        _ = _source.BaseAddress;
        for (var i = 0; i < 5; i++)
        {
            _source.Market.Tick();
        }
        Assert.True(await _source.Recorder.FlushAsync(CancellationToken.None));
        _recorded = _source.Store.Read(null, DateTime.UnixEpoch, DateTime.MaxValue).ToList();
        Assert.Equal(15 * 6, _recorded.Count);
    }

    public async Task DisposeAsync()
    {
        await _source.DisposeAsync();
        await _target.DisposeAsync();
    }

    [SkippableFact]
    public async Task HistoryReturnsASymbolsRecordedQuotesOldestFirst()
    {
        using var http = _source.Http();
        var from = Uri.EscapeDataString(_from.ToString("O"));

        var all = await http.GetFromJsonAsync<Quote[]>($"/api/quotes/xom/history?from={from}");
        var two = await http.GetFromJsonAsync<Quote[]>($"/api/quotes/XOM/history?from={from}&limit=2");

        Assert.Equal(_recorded.Where(q => q.Symbol == "XOM"), all!);
        Assert.Equal(all!.Take(2), two!);
    }

    [SkippableTheory]
    [InlineData("/api/quotes/FOO/history", HttpStatusCode.NotFound, "Unknown symbol: FOO")]
    [InlineData("/api/quotes/XOM/history?limit=0", HttpStatusCode.BadRequest, "limit 0 is out of range")]
    [InlineData("/api/quotes/XOM/history?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", HttpStatusCode.BadRequest, "is after to")]
    [InlineData("/api/recordings/export?format=xml", HttpStatusCode.BadRequest, "format 'xml' is not served")]
    [InlineData("/api/recordings/export?symbols=XOM,FOO", HttpStatusCode.BadRequest, "Unknown symbol(s): FOO")]
    public async Task BadQueriesGetProblemDetails(string url, HttpStatusCode status, string detail)
    {
        using var http = _source.Http();

        var response = await http.GetAsync(url);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(detail, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [SkippableTheory]
    [InlineData("jsonl", "application/x-ndjson")]
    [InlineData("csv", "text/csv")]
    public async Task ExportThenImportIntoAnEmptyDatabaseGivesTheSameQuotes(string format, string contentType)
    {
        using var source = _source.Http();
        var export = await source.GetAsync($"/api/recordings/export?format={format}");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal(contentType, export.Content.Headers.ContentType?.MediaType);
        var body = await export.Content.ReadAsStringAsync();

        var response = await Import(body, contentType);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(_recorded.Count, (await response.Content.ReadFromJsonAsync<ImportResult>())!.Imported);
        Assert.Equal(_recorded, _target.Store.Read(null, DateTime.UnixEpoch, DateTime.MaxValue));
    }

    [SkippableTheory]
    [InlineData("sell", "0", "Line 3, field 'sell'")]
    [InlineData("buy", "0.01", "Line 3, field 'buy'")]
    [InlineData("high", "0.01", "Line 3, field 'open'")]
    [InlineData("sequence", "", "Line 3, field 'sequence'")]
    [InlineData("symbol", "\"not a symbol\"", "Line 3, field 'symbol'")]
    [InlineData("last", "\"many\"", "Line 3, field 'last'")]
    public async Task AnImportWithABadLineChangesNothingAndNamesTheLineAndField(string field, string value, string expected)
    {
        await Import(string.Join('\n', _recorded.Take(15).Select(RecordingFormats.ToJsonLine)), "application/x-ndjson");
        var before = _target.Store.Count();
        var lines = _recorded.Skip(15).Take(30).Select(RecordingFormats.ToJsonLine).ToList();
        // For 'sequence', line 3 repeats line 1: the same symbol without a higher sequence.
        lines[2] = field == "sequence" ? lines[0] : Replace(lines[2], field, value);

        var response = await Import(string.Join('\n', lines), "application/x-ndjson");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(expected, problem.GetProperty("detail").GetString());
        Assert.Equal(3, problem.GetProperty("line").GetInt32());
        Assert.Equal(before, _target.Store.Count());
    }

    [SkippableTheory]
    [InlineData("last", "as a string", "Line 3, field 'last'")]
    [InlineData("volume", "as a string", "Line 3, field 'volume'")]
    [InlineData("last", "off the tick", "is not a whole number of 0.01 ticks")]
    [InlineData("buy", "off the tick", "Line 3, field 'buy': buy (")]
    [InlineData("sell", "off the tick", "is not a whole number of 0.01 ticks")]
    [InlineData("change", "one tick off", "Line 3, field 'change': change (")]
    public async Task AnImportIsRefusedWhereTheSpecIsStrict(string field, string fault, string expected)
    {
        var lines = _recorded.Skip(15).Take(30).Select(RecordingFormats.ToJsonLine).ToList();
        var node = System.Text.Json.Nodes.JsonNode.Parse(lines[2])!.AsObject();
        var value = node[field]!.GetValue<double>();
        node[field] = fault switch
        {
            // SPEC 1 and 8: numbers are numbers, never strings (the Web JSON defaults would read them).
            "as a string" => value.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // Line 3 is BP, quoted in 0.01 ticks.
            "off the tick" => value + 0.001,
            _ => value + 0.01,
        };
        lines[2] = node.ToJsonString();

        var response = await Import(string.Join('\n', lines), "application/x-ndjson");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(expected, problem.GetProperty("detail").GetString());
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Equal(0, _target.Store.Count());
    }

    [SkippableFact]
    public async Task ACsvWithoutTheFieldNamesIsRefused()
    {
        var response = await Import("symbol,name\nXOM,EXXON", "text/csv");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Line 1, field 'last': the header row has no 'last' column", await response.Content.ReadAsStringAsync());
    }

    [SkippableFact]
    public async Task ImportIsForAdministratorsAndOffWithoutAKey()
    {
        using var target = _target.Http();
        using var wrong = new StringContent("", Encoding.UTF8, "application/x-ndjson");
        wrong.Headers.Add(RecordingApi.AdminKeyHeader, "guess");
        Assert.Equal(HttpStatusCode.Forbidden, (await target.PostAsync("/api/recordings/import", wrong)).StatusCode);

        using var source = _source.Http();
        using var keyed = new StringContent("", Encoding.UTF8, "application/x-ndjson");
        keyed.Headers.Add(RecordingApi.AdminKeyHeader, Key);
        var off = await source.PostAsync("/api/recordings/import", keyed);
        Assert.Equal(HttpStatusCode.NotFound, off.StatusCode);
        Assert.Contains("set Ticker:AdminKey to turn it on", await off.Content.ReadAsStringAsync());
    }

    [SkippableFact]
    public async Task AnImportOverTheSizeLimitIsRefusedWhetherOrNotItGivesItsLength()
    {
        await using var small = new TickerServer().With("Ticker:AdminKey", Key).With("Ticker:Limits:MaxImportBytes", "2048").WithPostgres(_postgres?.CreateDatabase());
        using var http = small.Http();
        var body = string.Join('\n', _recorded.Select(RecordingFormats.ToJsonLine)); // about 30 KB

        using var sized = new StringContent(body, Encoding.UTF8, "application/x-ndjson");
        sized.Headers.Add(RecordingApi.AdminKeyHeader, Key);
        using var announced = await http.PostAsync("/api/recordings/import", sized);

        using var streamed = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body)));
        streamed.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-ndjson");
        streamed.Headers.Add(RecordingApi.AdminKeyHeader, Key);
        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/api/recordings/import") { Content = streamed };
        chunked.Headers.TransferEncodingChunked = true;
        using var unannounced = await http.SendAsync(chunked);

        foreach (var response in new[] { announced, unannounced })
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Contains("over the limit of 2,048 bytes (Ticker:Limits:MaxImportBytes)", await response.Content.ReadAsStringAsync());
        }
        // Nothing of the file was written (the server's own opening quotes are recorded as usual).
        Assert.Empty(small.Store.Read(null, DateTime.UnixEpoch, DateTime.MaxValue).Intersect(_recorded));
    }

    private async Task<HttpResponseMessage> Import(string body, string contentType)
    {
        using var http = _target.Http();
        using var content = new StringContent(body, Encoding.UTF8, contentType);
        content.Headers.Add(RecordingApi.AdminKeyHeader, Key);
        return await http.PostAsync("/api/recordings/import", content);
    }

    private static string Replace(string jsonLine, string field, string value)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(jsonLine)!.AsObject();
        node[field] = System.Text.Json.Nodes.JsonNode.Parse(value);
        return node.ToJsonString();
    }
}

public sealed class PostgresRecordingApiTests(PostgresServer postgres) : RecordingApiTests(postgres), IClassFixture<PostgresServer>;
