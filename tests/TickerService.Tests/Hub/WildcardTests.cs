using System.Net;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using TickerService.Market;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Hub;

/// <summary>
/// <c>"*"</c> no longer hides a typo beside it (issue 9, item 6): the catalog checks every entry,
/// so the hub, replay and export all report it.
/// </summary>
public sealed class WildcardTests : IAsyncLifetime
{
    private readonly TickerServer _server = new();
    private QuoteClient _client = null!;

    public async Task InitializeAsync() => _client = await _server.ConnectAsync();

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData(new[] { "*", "NOPE" }, "Unknown symbol(s): NOPE")]
    [InlineData(new[] { "NOPE", "*" }, "Unknown symbol(s): NOPE")]
    [InlineData(new[] { "*", "not a symbol!" }, "Malformed symbol(s): 'not a symbol!'")]
    public async Task SubscribeReportsATypoBesideTheWildcard(string[] symbols, string expected)
    {
        var error = await Assert.ThrowsAsync<HubException>(() => _client.SubscribeAsync(symbols));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task TheWildcardAloneOrWithKnownSymbolsIsEveryInstrument()
    {
        var all = await _client.SubscribeAsync("*");
        var withKnown = await _client.SubscribeAsync("xom", "*");

        Assert.Equal(15, all.Length);
        Assert.Equal(all.Select(q => q.Symbol), withKnown.Select(q => q.Symbol));
    }

    [Fact]
    public async Task StreamQuotesAndReplayReportATypoBesideTheWildcard()
    {
        using var cancel = new CancellationTokenSource(TickerServer.Timeout);
        var stream = Assert.ThrowsAsync<HubException>(async () =>
        {
            await foreach (var _ in _client.Connection.StreamAsync<Quote>("StreamQuotes", new[] { "*", "NOPE" }, cancel.Token))
            {
            }
        });
        var replay = Assert.ThrowsAsync<HubException>(async () =>
        {
            var request = new ReplayRequest { Symbols = ["*", "NOPE"], From = DateTime.UtcNow.AddHours(-1), Speed = 0, ReplayId = "r" };
            await foreach (var _ in _client.Connection.StreamAsync<Quote>("Replay", request, cancel.Token))
            {
            }
        });

        Assert.Contains("Unknown symbol(s): NOPE", (await stream).Message);
        Assert.Contains("Unknown symbol(s): NOPE", (await replay).Message);
    }

    [Fact]
    public async Task ExportReportsATypoBesideTheWildcard()
    {
        using var http = _server.Http();

        using var response = await http.GetAsync("/api/recordings/export?symbols=*,NOPE");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Unknown symbol(s): NOPE", await response.Content.ReadAsStringAsync());
    }
}
