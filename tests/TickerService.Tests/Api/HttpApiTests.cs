using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using TickerService.Market;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Api;

public sealed class HttpApiTests : IAsyncLifetime
{
    private readonly TickerServer _server = new();
    private HttpClient _http = null!;

    public Task InitializeAsync()
    {
        _http = _server.Http();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task InstrumentsListsEverySymbolWithItsTick()
    {
        var instruments = await _http.GetFromJsonAsync<Instrument[]>("/api/instruments");

        Assert.NotNull(instruments);
        Assert.True(instruments.Length >= 10);
        var xom = Assert.Single(instruments, i => i.Symbol == "XOM");
        Assert.Equal(("EXXON Mobil", "USD", 0.01, 2), (xom.Name, xom.Currency, xom.TickSize, xom.Decimals));
    }

    [Fact]
    public async Task QuotesReturnsTheLatestOfEveryInstrument()
    {
        var ticked = _server.Market.Tick();

        var quotes = await _http.GetFromJsonAsync<Quote[]>("/api/quotes");

        Assert.Equal(ticked, quotes);
    }

    [Fact]
    public async Task OneQuoteIsTheCamelCaseStockBox()
    {
        _server.Market.Tick();

        using var response = await _http.GetAsync("/api/quotes/XOM");
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string[] fields = ["symbol", "name", "last", "change", "changePercent", "open", "high", "low", "previousClose",
            "volume", "previousVolume", "buy", "sell", "timestamp", "sequence", "session"];
        Assert.Equal(fields.Order(), json.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("EXXON Mobil", json.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Number, json.GetProperty("buy").ValueKind);
        Assert.Matches(new Regex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"), json.GetProperty("timestamp").GetString());
    }

    [Fact]
    public async Task SymbolsAreCaseInsensitiveAndMayContainEquals()
    {
        var quote = await _http.GetFromJsonAsync<Quote>("/api/quotes/cl=f");

        Assert.Equal("CL=F", quote!.Symbol);
    }

    [Fact]
    public async Task UnknownSymbolIsA404ProblemThatNamesIt()
    {
        using var response = await _http.GetAsync("/api/quotes/NOPE");
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
        Assert.Contains("Unknown symbol: NOPE", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task MalformedSymbolIsA400Problem()
    {
        using var response = await _http.GetAsync("/api/quotes/WAY-TOO-LONG-A-SYMBOL");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("is not a symbol", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task HealthAndReadinessAnswer()
    {
        Assert.Equal("Healthy", await _http.GetStringAsync("/healthz"));
        Assert.Equal("Healthy", await _http.GetStringAsync("/readyz"));
    }

    [Fact]
    public async Task OpenApiDocumentDescribesTheRoutes()
    {
        var document = JsonDocument.Parse(await _http.GetStringAsync("/openapi/v1.json")).RootElement;
        var paths = document.GetProperty("paths");

        Assert.True(paths.TryGetProperty("/api/instruments", out _));
        Assert.True(paths.TryGetProperty("/api/quotes", out _));
        Assert.True(paths.GetProperty("/api/quotes/{symbol}").GetProperty("get").GetProperty("responses").TryGetProperty("404", out _) ||
                    paths.GetProperty("/api/quotes/{symbol}").GetProperty("get").GetProperty("responses").TryGetProperty("200", out _));
    }

    [Fact]
    public async Task OnlyTheHubAndTheScriptAreCrossOriginAndNeverWithCredentials()
    {
        using var negotiate = new HttpRequestMessage(HttpMethod.Post, "/hubs/quotes/negotiate?negotiateVersion=1");
        negotiate.Headers.Add("Origin", "https://news.example.org");
        using var api = new HttpRequestMessage(HttpMethod.Get, "/api/quotes/XOM");
        api.Headers.Add("Origin", "https://news.example.org");

        using var hubResponse = await _http.SendAsync(negotiate);
        using var apiResponse = await _http.SendAsync(api);

        Assert.Equal(HttpStatusCode.OK, hubResponse.StatusCode);
        Assert.Equal("*", hubResponse.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(hubResponse.Headers.Contains("Access-Control-Allow-Credentials"));
        Assert.Equal(HttpStatusCode.OK, apiResponse.StatusCode);
        Assert.False(apiResponse.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task ConfiguredOriginsAreTheOnlyOnesAllowed()
    {
        await using var server = new TickerServer().With("Ticker:AllowedOrigins:0", "https://news.example.org");
        using var http = server.Http();

        foreach (var (origin, allowed) in new[] { ("https://news.example.org", true), ("https://evil.example.com", false) })
        {
            using var negotiate = new HttpRequestMessage(HttpMethod.Post, "/hubs/quotes/negotiate?negotiateVersion=1");
            negotiate.Headers.Add("Origin", origin);
            using var response = await http.SendAsync(negotiate);
            Assert.Equal(allowed, response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) && values.Single() == origin);
        }
    }

    [Fact]
    public async Task TheLandingPageIsServed()
    {
        using var response = await _http.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("TickerService", await response.Content.ReadAsStringAsync());
    }
}
