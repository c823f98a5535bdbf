using Microsoft.Playwright;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Widget;

/// <summary>link="…{symbol}…": the box and each tape item are real links, reachable by keyboard; only http(s).</summary>
public sealed class LinkTests(Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private readonly TickerServer _server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [SkippableFact]
    public async Task TheBoxAndEachTapeItemLinkToTheTemplateWithTheSymbolEncoded()
    {
        await using var site = await EmbeddingSite.StartAsync(WidgetPageTests.Page(_server.BaseAddress, """
            <market-quote symbol="CL=F" link="https://quotes.example.org/q/{symbol}?from=widget"></market-quote>
            <market-ticker symbols="XOM,CL=F" link="/symbols/{symbol}"></market-ticker>
            <market-quote id="evil" symbol="XOM" link="javascript:alert('{symbol}')"></market-quote>
            """));
        await using var browser = await chromium.NewPageAsync();
        var page = browser.Page;
        var opened = new TaskCompletionSource<string>();
        await page.RouteAsync("https://quotes.example.org/**", async route =>
        {
            opened.TrySetResult(route.Request.Url);
            await route.FulfillAsync(new() { ContentType = "text/html", Body = "<!doctype html><title>Quote</title>" });
        });
        await page.GotoAsync(site.Address.ToString());
        var box = page.Locator("market-quote").First;
        await WidgetPageTests.Live(box);

        await Assertions.Expect(box.Locator("a[part~=link]")).ToHaveAttributeAsync("href", "https://quotes.example.org/q/CL%3DF?from=widget");
        var items = page.Locator("market-ticker [part~=list]").First.Locator("a[part~=link]");
        await Assertions.Expect(items).ToHaveCountAsync(2);
        Assert.Equal(new Uri(site.Address, "/symbols/XOM").ToString(), await items.First.EvaluateAsync<string>("a => a.href"));
        Assert.Equal(new Uri(site.Address, "/symbols/CL%3DF").ToString(), await items.Nth(1).EvaluateAsync<string>("a => a.href"));
        // The loop's hidden copy is not a second set of tab stops.
        Assert.Equal(-1, await page.Locator("market-ticker [part~=list][aria-hidden=true] a").First.EvaluateAsync<int>("a => a.tabIndex"));
        // javascript: never becomes a link.
        await WidgetPageTests.Live(page.Locator("#evil"));
        await Assertions.Expect(page.Locator("#evil a")).ToHaveCountAsync(0);

        // Keyboard: the first Tab lands on the box's link, the next on the tape's first item.
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("https://quotes.example.org/q/CL%3DF?from=widget", await box.EvaluateAsync<string>("e => e.shadowRoot.activeElement?.href"));
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal(new Uri(site.Address, "/symbols/XOM").ToString(), await page.Locator("market-ticker").EvaluateAsync<string>("e => e.shadowRoot.activeElement?.href"));

        // The whole box is the link's target: a click on its prices (covered by the link) follows it.
        var sell = (await box.Locator("[part~=sell]").BoundingBoxAsync())!;
        await page.Mouse.ClickAsync(sell.X + sell.Width / 2, sell.Y + sell.Height / 2);
        Assert.Equal("https://quotes.example.org/q/CL%3DF?from=widget", await opened.Task.WaitAsync(TickerServer.Timeout));
        Assert.Empty(browser.Errors);
    }
}
