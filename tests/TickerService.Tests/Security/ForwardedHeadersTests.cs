using System.Net;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Security;

/// <summary>Behind a proxy, the client is the one the proxy names, when the proxy is trusted.</summary>
public sealed class ForwardedHeadersTests : IAsyncLifetime
{
    private readonly TickerServer _server = new TickerServer().With("Ticker:Limits:RequestsPerMinute", "2");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ALoopbackProxysForwardedForIsTheClientTheRateLimitCounts()
    {
        using var http = _server.Http();

        // Two clients behind the same (loopback, so trusted) proxy each get their own budget.
        Assert.Equal(HttpStatusCode.OK, await Get(http, "203.0.113.7"));
        Assert.Equal(HttpStatusCode.OK, await Get(http, "203.0.113.7"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await Get(http, "203.0.113.7"));
        Assert.Equal(HttpStatusCode.OK, await Get(http, "198.51.100.20"));
    }

    private static async Task<HttpStatusCode> Get(HttpClient http, string client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/instruments");
        request.Headers.Add("X-Forwarded-For", client);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
