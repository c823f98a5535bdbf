using System.Globalization;
using Microsoft.Playwright;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Widget;

/// <summary>The service goes away and comes back on the same address: the widget says so, and recovers by itself.</summary>
public sealed class ReconnectTests(Chromium chromium) : IClassFixture<Chromium>
{
    [SkippableFact]
    public async Task StoppingTheServiceMarksPricesStaleAndARestartBringsThemBackLive()
    {
        var port = TickerServer.FreePort();
        var first = new TickerServer(port: port);
        await using var site = await EmbeddingSite.StartAsync(WidgetPageTests.Page(first.BaseAddress, """
            <market-quote symbol="XOM"></market-quote>
            <market-ticker symbols="XOM,CVX"></market-ticker>
            """));
        await using var browser = await chromium.NewPageAsync();
        var page = browser.Page;
        await page.GotoAsync(site.Address.ToString());
        var box = page.Locator("market-quote");
        var tape = page.Locator("market-ticker");
        await WidgetPageTests.Live(box);
        await WidgetPageTests.Live(tape);
        // Sequences well past those the restarted server (a fresh recording) starts from: they go backwards.
        for (var i = 0; i < 5; i++)
        {
            first.Market.Tick();
        }
        var ahead = first.Market.Tick().Single(q => q.Symbol == "XOM");
        await Assertions.Expect(box.Locator("[part~=buy]")).ToHaveTextAsync(ahead.Buy.ToString("F2", CultureInfo.InvariantCulture));

        await first.DisposeAsync();

        // Down: neither element may show its price as live.
        await Assertions.Expect(box.Locator("[part~=badge]")).ToHaveTextAsync("Reconnecting", new() { Timeout = 5000 });
        await Assertions.Expect(tape.Locator("[part~=badge]")).ToHaveTextAsync("Reconnecting", new() { Timeout = 5000 });
        await Assertions.Expect(box.Locator("[part~=box]")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("stale"));
        Assert.Equal("reconnecting", await box.EvaluateAsync<string>("(e) => e.state"));

        // Back on the same port (a new process would start new sequences: the widget takes them).
        await using var second = new TickerServer(port: port).With("Ticker:Feed:Seed", "7");
        Assert.Equal(port, second.BaseAddress.Port);
        await WidgetPageTests.Live(box);
        await WidgetPageTests.Live(tape);

        // Its subscriptions were restored on the new connection: updates flow again.
        var ticked = second.Market.Tick();
        var xom = ticked.Single(q => q.Symbol == "XOM");
        Assert.True(xom.Sequence < ahead.Sequence, "The restarted server's sequences were meant to start over below the page's.");
        await Assertions.Expect(box.Locator("[part~=buy]")).ToHaveTextAsync(xom.Buy.ToString("F2", CultureInfo.InvariantCulture));
        var cvx = ticked.Single(q => q.Symbol == "CVX");
        await Assertions.Expect(tape.Locator("[part~=list]").First.Locator("[part~=last]").Nth(1))
            .ToHaveTextAsync(cvx.Last.ToString("F2", CultureInfo.InvariantCulture));
    }

    [SkippableFact]
    public async Task AFailedFirstStartIsRetriedUntilTheServiceComesUp()
    {
        var port = TickerServer.FreePort();
        var server = new Uri($"http://127.0.0.1:{port}/");
        await using var script = new TickerServer();
        // The script comes from a running service; the element's server attribute names one not up yet.
        await using var site = await EmbeddingSite.StartAsync(WidgetPageTests.Page(script.BaseAddress, $$"""<market-quote symbol="CVX" server="{{server}}"></market-quote>"""));
        await using var browser = await chromium.NewPageAsync();
        var page = browser.Page;
        await page.GotoAsync(site.Address.ToString());
        var box = page.Locator("market-quote");
        await Assertions.Expect(box.Locator("[part~=badge]")).ToHaveTextAsync("Connecting");

        await using var late = new TickerServer(port: port);
        Assert.Equal(port, late.BaseAddress.Port);

        await WidgetPageTests.Live(box);
        Assert.Equal("Chevron", await box.Locator("[part~=name]").TextContentAsync());
    }
}
