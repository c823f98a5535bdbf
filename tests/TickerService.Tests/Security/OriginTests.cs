using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Security;

/// <summary>
/// <c>Ticker:AllowedOrigins</c> guards every way into the hub (issue 9, item 3): a WebSocket
/// straight to it, negotiate, SSE and long polling. Requests without an Origin (non-browser
/// clients) stay allowed.
/// </summary>
public sealed class OriginTests : IAsyncLifetime
{
    private const string Allowed = "https://good.example";
    private const string Foreign = "https://evil.example";

    private readonly TickerServer _server = new TickerServer().With("Ticker:AllowedOrigins:0", Allowed);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task AWebSocketStraightToTheHubFromAForeignOriginIsRefusedBeforeTheUpgrade()
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", Foreign);
        socket.Options.CollectHttpResponseDetails = true;

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(WebSocketUrl(), CancellationToken.None).WaitAsync(TickerServer.Timeout));

        Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);
    }

    [Theory]
    [InlineData(Allowed)]
    [InlineData("HTTPS://GOOD.EXAMPLE/")]
    [InlineData(null)]
    public async Task AWebSocketFromAnAllowedOriginOrWithoutOneIsServed(string? origin)
    {
        using var socket = new ClientWebSocket();
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        await socket.ConnectAsync(WebSocketUrl(), CancellationToken.None).WaitAsync(TickerServer.Timeout);

        Assert.Equal(WebSocketState.Open, socket.State);
    }

    [Theory]
    [InlineData("POST", "/hubs/quotes/negotiate?negotiateVersion=1")]
    [InlineData("GET", "/hubs/quotes?id=any")] // SSE and long polling both GET the hub's own path
    [InlineData("POST", "/hubs/quotes?id=any")] // the long-polling send
    public async Task EveryTransportRequestFromAForeignOriginGetsProblemDetails(string method, string path)
    {
        using var http = _server.Http();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Add("Origin", Foreign);
        request.Headers.Accept.ParseAdd("text/event-stream");

        using var response = await http.SendAsync(request);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Pages from 'https://evil.example' may not use this service: that origin is not in Ticker:AllowedOrigins", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData(HttpTransportType.WebSockets)]
    [InlineData(HttpTransportType.ServerSentEvents)]
    [InlineData(HttpTransportType.LongPolling)]
    public async Task TheDotNetClientWithoutAnOriginUsesEveryTransport(HttpTransportType transport)
    {
        await using var connection = new HubConnectionBuilder().WithUrl(_server.HubUrl, transport).Build();

        await connection.StartAsync().WaitAsync(TickerServer.Timeout);
        var snapshot = await connection.InvokeAsync<TickerService.Market.Quote[]>("Subscribe", new[] { "XOM" }).WaitAsync(TickerServer.Timeout);

        Assert.Equal("XOM", Assert.Single(snapshot).Symbol);
    }

    [Fact]
    public async Task AForeignPageCannotConnectOverAnyTransport()
    {
        await using var connection = new HubConnectionBuilder()
            .WithUrl(_server.HubUrl, options => options.Headers["Origin"] = Foreign)
            .Build();

        await Assert.ThrowsAnyAsync<Exception>(() => connection.StartAsync().WaitAsync(TickerServer.Timeout));
    }

    [Fact]
    public async Task WithAnyOriginAllowedAForeignWebSocketIsServed()
    {
        await using var open = new TickerServer();
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", Foreign);

        await socket.ConnectAsync(new UriBuilder(open.HubUrl) { Scheme = "ws" }.Uri, CancellationToken.None).WaitAsync(TickerServer.Timeout);

        Assert.Equal(WebSocketState.Open, socket.State);
    }

    private Uri WebSocketUrl() => new UriBuilder(_server.HubUrl) { Scheme = "ws" }.Uri;
}
