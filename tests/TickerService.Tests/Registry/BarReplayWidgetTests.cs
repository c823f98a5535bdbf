using System.Net;
using Microsoft.Playwright;
using TickerService.Tests.Infrastructure;
using TickerService.Tests.Widget;

namespace TickerService.Tests.Registry;

/// <summary>The README's walkthrough, last step: a widget replays imported bars of a history-only instrument.</summary>
public sealed class BarReplayWidgetTests(Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private readonly TempDatabase _database = new();
    private TickerServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = new TickerServer(_database.Path).With("Ticker:AdminKey", PriceBarImportTests.Key);
        await PriceBarImportTests.ImportAsync(_server, PriceBarImportTests.SpxQuery, PriceBarImportTests.Sp500, HttpStatusCode.OK);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _database.Dispose();
    }

    [SkippableFact]
    public async Task AWidgetReplaysTheImportedBarsOfAHistoryOnlySymbol()
    {
        await using var site = await EmbeddingSite.StartAsync(WidgetPageTests.Page(_server.BaseAddress, """
            <market-quote symbol="SPX" replay-from="2008-01-01T00:00:00Z" replay-speed="0"></market-quote>
            """));
        await using var browser = await chromium.NewPageAsync();
        await browser.Page.GotoAsync(site.Address.ToString());
        var box = browser.Page.Locator("market-quote");

        // As fast as it goes: the year plays through to its last close (903.25, so buy 903.26).
        await Assertions.Expect(box.Locator("[part~=buy]")).ToHaveTextAsync("903.26");
        Assert.Equal("replay", await box.EvaluateAsync<string>("(e) => e.state"));
        Assert.Equal(253, await box.EvaluateAsync<long>("(e) => e.quote.sequence"));
        Assert.Empty(browser.Errors);
    }
}
