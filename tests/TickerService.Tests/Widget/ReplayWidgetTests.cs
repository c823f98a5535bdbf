using System.Globalization;
using Microsoft.Playwright;
using TickerService.Configuration;
using TickerService.Market;
using TickerService.Server.Recording;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Widget;

/// <summary>replay-from, replay-to and replay-speed: an element plays a recording, and says so.</summary>
public sealed class ReplayWidgetTests(Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private static readonly DateTime Start = new(2026, 1, 5, 14, 30, 0, DateTimeKind.Utc);

    // XOM every ten minutes for an hour: at speed 1 only the first plays within a test's time.
    private static readonly Quote[] Recorded = Record();

    private readonly TickerServer _server = new TickerServer().With("Ticker:Recording:Retention", "00:00:00");

    public Task InitializeAsync()
    {
        using var connection = _server.Store.OpenForWriting();
        RecordingStore.Insert(connection, Recorded, ignoreDuplicates: false);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [SkippableFact]
    public async Task AReplayingBoxShowsTheRecordingWithItsControlsAndPlaysToTheEnd()
    {
        await using var site = await EmbeddingSite.StartAsync(WidgetPageTests.Page(_server.BaseAddress, $"""
            <market-quote symbol="XOM" replay-from="{Start:O}" replay-to="{Start.AddHours(1):O}" replay-speed="1"></market-quote>
            """));
        await using var browser = await chromium.NewPageAsync();
        var page = browser.Page;
        await page.GotoAsync(site.Address.ToString());
        var box = page.Locator("market-quote");

        // The first recorded quote plays at once; the next is ten recorded minutes away.
        await Assertions.Expect(box.Locator("[part~=badge]")).ToHaveTextAsync("Replay ×1");
        await Assertions.Expect(box.Locator("[part~=buy]")).ToHaveTextAsync(Price(Recorded[0].Buy));
        Assert.Equal("replay", await box.EvaluateAsync<string>("(e) => e.state"));
        await Assertions.Expect(box.Locator("[part~=replay-time]")).Not.ToBeEmptyAsync();

        var toggle = box.Locator("[part~=replay-toggle]");
        await toggle.ClickAsync();
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-pressed", "true");
        await toggle.ClickAsync();
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-pressed", "false");

        // As fast as it goes: the rest of the hour plays at once, then the replay ends.
        await box.Locator("[part~=replay-speed]").SelectOptionAsync("0");
        await Assertions.Expect(box.Locator("[part~=badge]")).ToHaveTextAsync("Replay max");
        await Assertions.Expect(box.Locator("[part~=buy]")).ToHaveTextAsync(Price(Recorded[^1].Buy));
        await Assertions.Expect(toggle).ToHaveTextAsync("Ended");
        Assert.Equal(Recorded[^1].Sequence, await box.EvaluateAsync<long>("(e) => e.quote.sequence"));
        Assert.Empty(browser.Errors);
    }

    [SkippableFact]
    public async Task ALiveElementBesideAReplayingOneStaysLive()
    {
        await using var site = await EmbeddingSite.StartAsync(WidgetPageTests.Page(_server.BaseAddress, $"""
            <market-quote id="replay" symbol="XOM" replay-from="{Start:O}" replay-speed="0"></market-quote>
            <market-quote id="live" symbol="XOM"></market-quote>
            """));
        await using var browser = await chromium.NewPageAsync();
        var page = browser.Page;
        await page.GotoAsync(site.Address.ToString());

        await Assertions.Expect(page.Locator("#replay [part~=buy]")).ToHaveTextAsync(Price(Recorded[^1].Buy));
        await WidgetPageTests.Live(page.Locator("#live"));
        var tick = _server.Market.Tick().Single(q => q.Symbol == "XOM");
        await Assertions.Expect(page.Locator("#live [part~=buy]")).ToHaveTextAsync(Price(tick.Buy));
        Assert.Equal(Price(Recorded[^1].Buy), await page.Locator("#replay [part~=buy]").TextContentAsync());
    }

    private static Quote[] Record()
    {
        var simulator = new MarketSimulator(new InstrumentCatalog(DefaultInstruments.All), TimeSpan.FromMinutes(10), 11);
        return [.. Enumerable.Range(0, 7).Select(i => simulator.Tick(Start.AddMinutes(10 * i)).Single(q => q.Symbol == "XOM"))];
    }

    private static string Price(double value) => value.ToString("F2", CultureInfo.InvariantCulture);
}
