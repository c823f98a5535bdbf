using Microsoft.Playwright;
using TickerService.Configuration;
using TickerService.Market;
using TickerService.Server.Recording;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Widget;

/// <summary>A price that is not live carries its own time (::part(asof)), in the page's locale.</summary>
public sealed class AsOfTests(Chromium chromium) : IClassFixture<Chromium>
{
    [SkippableFact]
    public async Task WhenTheServerStopsEachElementShowsTheTimeOfItsLastQuote()
    {
        var server = new TickerServer();
        await using var site = await EmbeddingSite.StartAsync(WidgetPageTests.Page(server.BaseAddress, """
            <market-quote symbol="XOM"></market-quote><market-ticker symbols="XOM,CVX"></market-ticker>
            """));
        await using var browser = await chromium.NewPageAsync();
        var page = browser.Page;
        await page.GotoAsync(site.Address.ToString());
        var box = page.Locator("market-quote");
        var tape = page.Locator("market-ticker");
        await WidgetPageTests.Live(box);
        await WidgetPageTests.Live(tape);
        await Assertions.Expect(box.Locator("[part~=asof]")).ToBeHiddenAsync();
        var xom = server.Market.Tick().Single(q => q.Symbol == "XOM");
        await Assertions.Expect(box.Locator("[part~=buy]")).ToHaveTextAsync(WidgetPageTests.Price(xom.Buy));

        await server.DisposeAsync();

        await Assertions.Expect(box.Locator("[part~=badge]")).ToHaveTextAsync("Reconnecting");
        var asof = box.Locator("[part~=asof]");
        await Assertions.Expect(asof).ToBeVisibleAsync();
        // Today's quote: its time alone, as the page's locale writes it.
        var expected = await page.EvaluateAsync<string>("t => 'As of ' + new Date(t).toLocaleString(undefined, { timeStyle: 'medium' })", xom.Timestamp.ToString("O"));
        await Assertions.Expect(asof).ToHaveTextAsync(expected);
        Assert.Equal(xom.Timestamp, DateTime.Parse(await asof.GetAttributeAsync("datetime") ?? "", null, System.Globalization.DateTimeStyles.AdjustToUniversal));
        await Assertions.Expect(tape.Locator("[part~=asof]")).ToBeVisibleAsync();
        // The only errors: the retries' refused connections while the server is down, and at times
        // a retry that reached the server while it stopped (503, Retry-After, readable cross-origin).
        Assert.All(browser.Errors, error => Assert.True(error.Contains("ERR_CONNECTION_REFUSED") || error.Contains("status of 503"), error));
    }

    [SkippableFact]
    public async Task AReplayed2008PriceShowsIts2008DateInThePagesLocale()
    {
        var start = new DateTime(2008, 9, 15, 14, 30, 0, DateTimeKind.Utc);
        var simulator = new MarketSimulator(new InstrumentCatalog(DefaultInstruments.All), TimeSpan.FromMinutes(1), 3);
        var recorded = Enumerable.Range(0, 3).Select(i => simulator.Tick(start.AddMinutes(i)).Single(q => q.Symbol == "CVX")).ToArray();
        await using var server = new TickerServer().With("Ticker:Recording:Retention", "00:00:00");
        using (var connection = server.Store.OpenForWriting())
        {
            RecordingStore.Insert(connection, recorded, ignoreDuplicates: false);
        }
        await using var site = await EmbeddingSite.StartAsync(WidgetPageTests.Page(server.BaseAddress, $"""
            <market-quote symbol="CVX" replay-from="{start:O}" replay-to="{start.AddHours(1):O}" replay-speed="0"></market-quote>
            """));
        await using var browser = await chromium.NewPageAsync(new BrowserNewContextOptions { Locale = "de-DE", TimezoneId = "Europe/Berlin" });
        var page = browser.Page;

        await page.GotoAsync(site.Address.ToString());

        var box = page.Locator("market-quote");
        await Assertions.Expect(box.Locator("[part~=replay-toggle]")).ToHaveTextAsync("Ended");
        // 14:32 UTC is 16:32 in Berlin; German writes the date day first.
        await Assertions.Expect(box.Locator("[part~=asof]")).ToHaveTextAsync("As of 15.09.2008, 16:32");
        Assert.Empty(browser.Errors);
    }
}
