using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Security;

/// <summary>Each limit, crossed: the client gets a clear answer and nobody else is affected.</summary>
public sealed class LimitTests : IAsyncLifetime
{
    private readonly TickerServer _server = new TickerServer()
        .With("Ticker:Limits:RequestsPerMinute", "5")
        .With("Ticker:Limits:MaxHubMessageBytes", "2048");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task TheApiAnswers429WithRetryAfterPastTheRequestRate()
    {
        using var http = _server.Http();
        for (var i = 0; i < 5; i++)
        {
            using var ok = await http.GetAsync("/api/quotes/XOM");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var refused = await http.GetAsync("/api/quotes/XOM");
        var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter is not null);
        Assert.Contains("At most 5 requests a minute", problem.GetProperty("detail").GetString());
        // Health, the widget and the hub are not counted against the API's budget.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task AnOversizedHubMessageClosesOnlyThatConnection()
    {
        await using var bystander = await _server.ConnectAsync();
        await bystander.SubscribeAsync("XOM");
        await using var offender = await _server.ConnectAsync();
        var closed = new TaskCompletionSource<Exception?>();
        offender.Connection.Closed += error =>
        {
            closed.TrySetResult(error);
            return Task.CompletedTask;
        };

        var huge = Enumerable.Repeat("XOM", 1000).ToArray(); // about 6 KB of JSON, over the 2 KB limit
        await Assert.ThrowsAnyAsync<Exception>(() => offender.SubscribeAsync(huge));

        Assert.NotNull(await closed.Task.WaitAsync(TickerServer.Timeout));
        Assert.Equal(HubConnectionState.Disconnected, offender.Connection.State);
        _server.Market.Tick();
        Assert.Equal("XOM", Assert.Single(await bystander.NextBatchAsync()).Symbol);
    }
}
