using Microsoft.Playwright;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Widget;

/// <summary>The page's shared hub connection lives as long as an element uses it.</summary>
public sealed class ConnectionLifetimeTests(Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private readonly TickerServer _server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [SkippableFact]
    public async Task TheConnectionStopsWhenTheLastElementLeavesAndAMovedElementKeepsIt()
    {
        await using var site = await EmbeddingSite.StartAsync(WidgetPageTests.Page(_server.BaseAddress, """
            <div id="a"><market-quote symbol="XOM"></market-quote></div>
            <div id="b"><market-ticker symbols="XOM,CVX"></market-ticker></div>
            """));
        await using var browser = await chromium.NewPageAsync();
        var page = browser.Page;
        var sockets = 0;
        page.WebSocket += (_, _) => Interlocked.Increment(ref sockets);
        await page.GotoAsync(site.Address.ToString());
        await WidgetPageTests.Live(page.Locator("market-quote"));
        await WidgetPageTests.Live(page.Locator("market-ticker"));
        Assert.Equal(1, _server.Broadcaster.ConnectionCount);

        // Moved within the page (leaves and joins in one task): the same connection goes on.
        await page.EvaluateAsync("document.getElementById('b').append(document.querySelector('market-quote'))");
        var xom = _server.Market.Tick().Single(q => q.Symbol == "XOM");
        await Assertions.Expect(page.Locator("market-quote [part~=buy]")).ToHaveTextAsync(WidgetPageTests.Price(xom.Buy));
        Assert.Equal(1, _server.Broadcaster.ConnectionCount);

        // Gone one after the other: the last one out stops the connection.
        await page.EvaluateAsync("document.querySelector('market-ticker').remove()");
        Assert.Equal(1, _server.Broadcaster.ConnectionCount);
        await page.EvaluateAsync("document.querySelector('market-quote').remove()");
        await Eventually.TrueAsync(() => _server.Broadcaster.ConnectionCount == 0);

        // One that comes later gets a connection of its own.
        await page.EvaluateAsync("document.body.insertAdjacentHTML('beforeend', '<market-quote symbol=\"CVX\"></market-quote>')");
        await WidgetPageTests.Live(page.Locator("market-quote"));
        Assert.Equal(1, _server.Broadcaster.ConnectionCount);
        Assert.Equal(2, sockets);
        Assert.Empty(browser.Errors);
    }
}
