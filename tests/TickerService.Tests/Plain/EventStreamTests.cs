using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TickerService.Server.Plain;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Plain;

/// <summary><c>GET /sse</c> (SPEC section 10, issue 12) over real Kestrel, read by <see cref="HttpClient"/> as an event stream.</summary>
public sealed class EventStreamTests : IAsyncLifetime
{
    private const string Allowed = "https://good.example";

    private readonly TickerServer _server = new TickerServer()
        .With("Ticker:AllowedOrigins:0", Allowed)
        .With("Ticker:Limits:MaxSymbolsPerConnection", "3")
        .WithServices(services => services.Configure<PlainStreamOptions>(o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(300)));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ASnapshotEventThenQuotesAndSessionEventsWithHeartbeatComments()
    {
        using var http = _server.Http();
        using var response = await http.GetAsync(new Uri("/sse?symbols=XOM,cvx", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        var (name, snapshot) = await NextEventAsync(reader);
        Assert.Equal("snapshot", name);
        Assert.Equal(["XOM", "CVX"], snapshot.GetProperty("quotes").EnumerateArray().Select(q => q.GetProperty("symbol").GetString()));

        var ticked = _server.Market.Tick();
        var (quotesName, quotes) = await NextEventAsync(reader);
        Assert.Equal("quotes", quotesName);
        Assert.Equal("quotes", quotes.GetProperty("type").GetString());
        Assert.Equal(ticked.Single(q => q.Symbol == "XOM").Sequence, quotes.GetProperty("quotes")[0].GetProperty("sequence").GetInt64());

        _server.Market.CloseSession();
        var (sessionName, session) = await NextEventAsync(reader, skip: "quotes");
        Assert.Equal("session", sessionName);
        Assert.Equal("closed", session.GetProperty("state").GetString());

        // Then silence: comment heartbeats.
        string? line;
        do
        {
            line = await reader.ReadLineAsync().WaitAsync(TickerServer.Timeout);
        }
        while (line is not null && line != ": heartbeat");
        Assert.Equal(": heartbeat", line);
    }

    [Theory]
    [InlineData("/sse", HttpStatusCode.BadRequest, "Give the symbols to stream")]
    [InlineData("/sse?symbols=", HttpStatusCode.BadRequest, "Give the symbols to stream")]
    [InlineData("/sse?symbols=XOM,FOO", HttpStatusCode.NotFound, "Unknown symbol(s): FOO")]
    [InlineData("/sse?symbols=XOM,bad!", HttpStatusCode.BadRequest, "Malformed symbol(s)")]
    [InlineData("/sse?symbols=A,B,C,D", HttpStatusCode.BadRequest, "Too many symbols: 4 given")]
    [InlineData("/sse?symbols=*", HttpStatusCode.BadRequest, "Too many symbols: this connection would hold")]
    public async Task ABadRequestIsProblemDetailsBeforeTheStream(string path, HttpStatusCode status, string detail)
    {
        using var http = _server.Http();

        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AForeignOriginIsRefused()
    {
        using var http = _server.Http();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/sse?symbols=XOM", UriKind.Relative));
        request.Headers.Add("Origin", "https://evil.example");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AClientThatGoesIsUnregistered()
    {
        using var http = _server.Http();
        var response = await http.GetAsync(new Uri("/sse?symbols=XOM", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        await NextEventAsync(reader);
        Assert.Equal(1, _server.Broadcaster.ConnectionCount);

        reader.Dispose();
        response.Dispose();

        await Eventually.TrueAsync(() => _server.Broadcaster.ConnectionCount == 0);
    }

    private static async Task<(string Name, JsonElement Data)> NextEventAsync(StreamReader reader, string? skip = null)
    {
        while (true)
        {
            string? name = null;
            string? data = null;
            while (true)
            {
                var line = await reader.ReadLineAsync().WaitAsync(TickerServer.Timeout) ?? throw new InvalidOperationException("The stream ended.");
                if (line.Length == 0 && data is not null)
                {
                    break;
                }
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    name = line["event: ".Length..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data = line["data: ".Length..];
                }
            }
            if (name != skip)
            {
                return (name!, JsonDocument.Parse(data).RootElement);
            }
        }
    }
}
