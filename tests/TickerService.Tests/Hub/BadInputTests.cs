using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Hub;

/// <summary>Every bad input gets a HubException a person can act on, and the connection stays up.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private readonly TickerServer _server = new TickerServer().With("Ticker:Limits:MaxSymbolsPerConnection", "5");
    private QuoteClient _client = null!;

    public async Task InitializeAsync() => _client = await _server.ConnectAsync();

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData(new[] { "FOO", "XOM", "BAR" }, "Unknown symbol(s): FOO, BAR")]
    [InlineData(new[] { "XOM", "not a symbol!" }, "Malformed symbol(s): 'not a symbol!'")]
    [InlineData(new[] { "ABCDEFGHIJKLM" }, "Malformed symbol(s): 'ABCDEFGHIJKLM'")]
    [InlineData(new[] { "" }, "Malformed symbol(s): ''")]
    [InlineData(new string[0], "Give at least one symbol")]
    [InlineData(new[] { "A", "B", "C", "D", "E", "F" }, "Too many symbols: 6 given, at most 5 per connection.")]
    public async Task SubscribeRejectsWithAClearMessage(string[] symbols, string expected)
    {
        var error = await Assert.ThrowsAsync<HubException>(() => _client.SubscribeAsync(symbols));

        Assert.Contains(expected, error.Message);
        await AssertStillServes();
    }

    [Fact]
    public async Task SubscribeRejectsANullList()
    {
        var error = await Assert.ThrowsAsync<HubException>(() => _client.Connection.InvokeAsync<object>("Subscribe", null).WaitAsync(TickerServer.Timeout));

        Assert.Contains("Give at least one symbol", error.Message);
        await AssertStillServes();
    }

    [Fact]
    public async Task SubscriptionsAddUpToThePerConnectionLimit()
    {
        await _client.SubscribeAsync("XOM", "CVX", "BP");

        var error = await Assert.ThrowsAsync<HubException>(() => _client.SubscribeAsync("SHEL", "TTE", "COP"));

        Assert.Contains("Too many symbols: this connection would hold 6, at most 5 per connection.", error.Message);
        // The failed call changed nothing: the first three still arrive, and two more fit.
        await _client.SubscribeAsync("SHEL", "TTE");
        _server.Market.Tick();
        Assert.Equal(["XOM", "CVX", "BP", "SHEL", "TTE"], (await _client.NextBatchAsync()).Select(q => q.Symbol));
    }

    [Fact]
    public async Task UnsubscribeRejectsUnknownSymbols()
    {
        var error = await Assert.ThrowsAsync<HubException>(() => _client.UnsubscribeAsync("NOPE"));

        Assert.Contains("Unknown symbol(s): NOPE", error.Message);
        await AssertStillServes();
    }

    [Fact]
    public async Task StreamQuotesRejectsBeforeStreaming()
    {
        var stream = _client.Connection.StreamAsync<TickerService.Market.Quote>("StreamQuotes", new[] { "ZZZ" });

        var error = await Assert.ThrowsAsync<HubException>(async () =>
        {
            await foreach (var _ in stream.WithCancellation(new CancellationTokenSource(TickerServer.Timeout).Token))
            {
            }
        });

        Assert.Contains("Unknown symbol(s): ZZZ", error.Message);
        await AssertStillServes();
    }

    [Fact]
    public async Task ArgumentsOfTheWrongTypeLeaveTheConnectionUp()
    {
        await Assert.ThrowsAsync<HubException>(() => _client.Connection.InvokeAsync<object>("Subscribe", 42).WaitAsync(TickerServer.Timeout));
        await Assert.ThrowsAsync<HubException>(() => _client.Connection.InvokeAsync<object>("NoSuchMethod").WaitAsync(TickerServer.Timeout));

        await AssertStillServes();
    }

    [Fact]
    public async Task LowerCaseSymbolsAreAccepted()
    {
        var snapshot = await _client.SubscribeAsync("xom", " cl=f ");

        Assert.Equal(["XOM", "CL=F"], snapshot.Select(q => q.Symbol));
    }

    private async Task AssertStillServes()
    {
        Assert.Equal(HubConnectionState.Connected, _client.Connection.State);
        var snapshot = await _client.SubscribeAsync("XOM");
        Assert.Equal("XOM", Assert.Single(snapshot).Symbol);
    }
}
