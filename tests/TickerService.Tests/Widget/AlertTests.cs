using System.Text.Json;
using Microsoft.Playwright;
using TickerService.Configuration;
using TickerService.Market;
using TickerService.Server.Recording;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Widget;

/// <summary>alert-above, alert-below, alert-change: one event per crossing, re-armed on the way back, said once.</summary>
public sealed class AlertTests(Chromium chromium) : IClassFixture<Chromium>
{
    private static readonly DateTime Start = new(2026, 1, 5, 14, 30, 0, DateTimeKind.Utc);

    [SkippableFact]
    public async Task EachCrossingFiresOneEventMarksTheBoxAndIsAnnouncedOnce()
    {
        // A recording whose prices the test chose (previous close 50), played as fast as it goes.
        double[] lasts = [50.00, 51.00, 52.00, 52.50, 51.00, 52.10, 50.50, 47.50, 52.20];
        var template = new MarketSimulator(new InstrumentCatalog(DefaultInstruments.All), TimeSpan.FromMinutes(1), 5).Tick(Start).Single(q => q.Symbol == "XOM");
        var recorded = lasts.Select((last, i) => template with
        {
            Last = last, PreviousClose = 50.00, Change = Math.Round(last - 50, 2), ChangePercent = Math.Round((last - 50) / 50 * 100, 2),
            Timestamp = Start.AddMinutes(i), Sequence = 100 + i,
        }).ToArray();
        await using var server = new TickerServer().With("Ticker:Recording:Retention", "00:00:00");
        using (var connection = server.Store.OpenForWriting())
        {
            RecordingStore.Insert(connection, recorded, ignoreDuplicates: false);
        }
        await using var site = await EmbeddingSite.StartAsync(WidgetPageTests.Page(server.BaseAddress, """<div id="slot"></div>"""));
        await using var browser = await chromium.NewPageAsync();
        var page = browser.Page;
        await page.GotoAsync(site.Address.ToString());
        // Listening before the element exists; each change of the badge's live region is what a screen reader hears.
        await page.EvaluateAsync($$"""
            async () => {
            await customElements.whenDefined("market-quote");
            window.alerts = [];
            window.heard = [];
            document.addEventListener("alert", e => window.alerts.push({ ...e.detail, last: e.detail.quote.last, composed: e.composed, bubbles: e.bubbles }));
            const box = document.createElement("market-quote");
            Object.assign(box, { id: "box" });
            box.setAttribute("symbol", "XOM");
            box.setAttribute("alert-above", "51.5");
            box.setAttribute("alert-below", "49.5");
            box.setAttribute("alert-change", "4.1");
            box.setAttribute("replay-from", "{{Start:O}}");
            box.setAttribute("replay-to", "{{Start.AddHours(1):O}}");
            box.setAttribute("replay-speed", "0");
            document.getElementById("slot").append(box);
            const badge = box.shadowRoot.querySelector("[part~=badge]");
            new MutationObserver(() => window.heard.push(badge.textContent)).observe(badge, { childList: true, characterData: true, subtree: true });
            }
            """);
        var box = page.Locator("#box");
        await Assertions.Expect(box.Locator("[part~=replay-toggle]")).ToHaveTextAsync("Ended");

        var alerts = (await page.EvaluateAsync<JsonElement>("window.alerts")).EnumerateArray()
            .Select(a => (a.GetProperty("kind").GetString(), a.GetProperty("threshold").GetDouble(), a.GetProperty("last").GetDouble())).ToList();
        // Above 51.5: at 52, re-armed by 51, at 52.10, re-armed by 50.50, at 52.20. Below 49.5: at 47.50.
        // A move of 4.1% either way: +5% at 52.50, +4.2% at 52.10, -5% at 47.50 (52.20 is still past it).
        Assert.Equal(
            [("above", 51.5, 52.00), ("change", 4.1, 52.50), ("above", 51.5, 52.10), ("change", 4.1, 52.10),
             ("below", 49.5, 47.50), ("change", 4.1, 47.50), ("above", 51.5, 52.20)],
            alerts);
        Assert.All((await page.EvaluateAsync<JsonElement>("window.alerts")).EnumerateArray(), a =>
        {
            Assert.True(a.GetProperty("composed").GetBoolean());
            Assert.True(a.GetProperty("bubbles").GetBoolean());
            Assert.Equal("XOM", a.GetProperty("symbol").GetString());
        });
        // Crossed now (52.20 is above): the box is marked.
        Assert.Equal(1, await page.Locator("#box [part~=alert]").CountAsync());
        // Heard once per alert, never per quote.
        var heard = await page.EvaluateAsync<string[]>("window.heard.filter(t => t.includes('Alert'))");
        Assert.InRange(heard.Length, 1, alerts.Count);
        Assert.Contains(heard, h => h.Contains("Alert: EXXON Mobil at or above 51.50", StringComparison.Ordinal));

        // A threshold the price is already past counts as crossed at once; one the price is short of clears the mark.
        await box.EvaluateAsync("e => e.setAttribute('alert-below', '60')");
        await page.WaitForFunctionAsync("window.alerts.length === 8");
        Assert.Equal("below", await page.EvaluateAsync<string>("window.alerts[7].kind"));
        await box.EvaluateAsync("e => { e.setAttribute('alert-above', '99'); e.removeAttribute('alert-below'); e.removeAttribute('alert-change'); }");
        await Assertions.Expect(page.Locator("#box [part~=alert]")).ToHaveCountAsync(0);
        Assert.Equal(8, await page.EvaluateAsync<int>("window.alerts.length"));
        Assert.Empty(browser.Errors);
    }
}
