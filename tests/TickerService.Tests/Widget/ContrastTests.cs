using System.Text.Json;
using Microsoft.Playwright;
using TickerService.Configuration;
using TickerService.Market;
using TickerService.Server.Recording;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Widget;

/// <summary>
/// WCAG contrast of every piece of text against what is really behind it (walking up, through the
/// shadow roots, to the first opaque background and composing what is see-through on the way),
/// for both themes on a light and a dark page, in every state, and during the change flash.
/// </summary>
public sealed class ContrastTests(Chromium chromium) : IClassFixture<Chromium>
{
    private const double Minimum = 4.5;

    // Both themes on both kinds of page: each corner holds a box, a tape and a replaying box.
    private static readonly string[] Corners = ["light-on-light", "dark-on-light", "light-on-dark", "dark-on-dark"];

    // Colours straight from getComputedStyle; text over what is behind it, composed down to the page.
    private const string Measure = """
        () => {
          const parse = c => { const m = /rgba?\(([^)]+)\)/.exec(c); if (!m) return [0, 0, 0, 0]; const [r, g, b, a = 1] = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number); return [r, g, b, a]; };
          const over = (top, under) => [0, 1, 2].map(i => top[i] * top[3] + under[i] * (1 - top[3])).concat(1);
          const up = e => e.parentElement ?? (e.parentNode instanceof ShadowRoot ? e.parentNode.host : null);
          const behind = e => {
            const layers = [];
            for (let n = e; n; n = up(n)) {
              const c = parse(getComputedStyle(n).backgroundColor);
              if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
            }
            return layers.reverse().reduce((under, layer) => over(layer, under), [255, 255, 255, 1]);
          };
          const luminance = c => c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
            .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
          const ratio = (a, b) => { const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x); return (hi + 0.05) / (lo + 0.05); };
          const results = [];
          const visit = (root, corner) => {
            for (const e of root.querySelectorAll("*")) {
              if (e.shadowRoot) visit(e.shadowRoot, corner ?? e.closest("[data-corner]")?.dataset.corner);
              const hasText = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
              const rect = e.getBoundingClientRect();
              if (!hasText || rect.width < 2 || rect.height < 2 || !e.checkVisibility() || e.localName === "option") continue;
              const background = behind(e);
              const text = over(parse(getComputedStyle(e).color), background);
              results.push({ corner, text: e.textContent.trim().slice(0, 24), part: e.getAttribute("part") ?? e.localName, ratio: ratio(text, background) });
            }
          };
          visit(document, null);
          return results;
        }
        """;

    [SkippableFact]
    public async Task TextKeepsFourAndAHalfToOneInBothThemesOnLightAndDarkPagesInEveryStateAndDuringFlashes()
    {
        var start = new DateTime(2026, 1, 5, 14, 30, 0, DateTimeKind.Utc);
        var simulator = new MarketSimulator(new InstrumentCatalog(DefaultInstruments.All), TimeSpan.FromMinutes(10), 11);
        var server = new TickerServer().With("Ticker:Recording:Retention", "00:00:00");
        try
        {
            using (var connection = server.Store.OpenForWriting())
            {
                RecordingStore.Insert(connection, [.. Enumerable.Range(0, 3).Select(i => simulator.Tick(start.AddMinutes(10 * i)).Single(q => q.Symbol == "BP"))], ignoreDuplicates: false);
            }
            var corners = string.Concat(Corners.Select(corner =>
            {
                var theme = corner.Split("-on-")[0];
                var page = corner.EndsWith("light", StringComparison.Ordinal) ? "#ffffff" : "#000000";
                return $"""
                    <div data-corner="{corner}" style="background:{page};padding:8px;display:grid;gap:8px">
                      <market-quote symbol="XOM" theme="{theme}"></market-quote>
                      <market-ticker symbols="XOM,CVX" theme="{theme}"></market-ticker>
                      <market-quote symbol="BP" theme="{theme}" replay-from="{start:O}" replay-speed="1"></market-quote>
                    </div>
                    """;
            }));
            await using var site = await EmbeddingSite.StartAsync(WidgetPageTests.Page(server.BaseAddress,
                $"""<div style="display:grid;grid-template-columns:1fr 1fr">{corners}</div>"""));
            await using var browser = await chromium.NewPageAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1200, Height = 1000 } });
            var page = browser.Page;
            // Every flash is held at its first frame (its strongest colour) until the test lets it go.
            await page.AddInitScriptAsync("""
                window.flashes = [];
                const animate = Element.prototype.animate;
                Element.prototype.animate = function (...args) { const a = animate.apply(this, args); a.pause(); window.flashes.push(a); return a; };
                """);
            await page.GotoAsync(site.Address.ToString());
            var boxes = page.Locator("market-quote[symbol=XOM]");
            foreach (var box in await boxes.AllAsync())
            {
                await WidgetPageTests.Live(box);
            }
            var failures = new List<string>();
            await Check(page, "live", failures);

            // Flashes both ways, measured while held.
            var directions = new HashSet<string>();
            var last = server.Market.Tick().Single(q => q.Symbol == "XOM").Last;
            for (var i = 0; i < 60 && directions.Count < 2; i++)
            {
                await page.EvaluateAsync("() => { window.flashes.forEach(a => a.cancel()); window.flashes = []; }");
                var xom = server.Market.Tick().Single(q => q.Symbol == "XOM");
                foreach (var box in await boxes.AllAsync())
                {
                    await Assertions.Expect(box.Locator("[part~=buy]")).ToHaveTextAsync(WidgetPageTests.Price(xom.Buy));
                }
                if (xom.Last != last)
                {
                    await page.WaitForFunctionAsync("window.flashes.length >= 4");
                    var direction = xom.Last > last ? "up" : "down";
                    directions.Add(direction);
                    await Check(page, $"flash {direction}", failures);
                }
                last = xom.Last;
            }
            Assert.Equal(2, directions.Count);
            await page.EvaluateAsync("() => window.flashes.forEach(a => a.cancel())");

            server.Market.CloseSession();
            await Assertions.Expect(boxes.First.Locator("[part~=badge]")).ToHaveTextAsync("Market closed");
            await Check(page, "closed", failures);

            await server.DisposeAsync();
            await Assertions.Expect(boxes.First.Locator("[part~=badge]")).ToHaveTextAsync("Reconnecting");
            await Assertions.Expect(boxes.First.Locator("[part~=asof]")).ToBeVisibleAsync();
            await Check(page, "reconnecting", failures);

            Assert.True(failures.Count == 0, $"Text under {Minimum}:1 against what is behind it:\n{string.Join("\n", failures)}");
            // The only errors: the retries' refused connections while the server is down.
            Assert.All(browser.Errors, error => Assert.Contains("ERR_CONNECTION_REFUSED", error));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static async Task Check(IPage page, string state, List<string> failures)
    {
        var results = (await page.EvaluateAsync<JsonElement>(Measure)).EnumerateArray().ToList();
        // Every corner measured, each with its box's values and badge.
        foreach (var corner in Corners)
        {
            Assert.True(results.Count(r => r.GetProperty("corner").GetString() == corner) >= 10, $"{state}: too little text measured in {corner}");
        }
        failures.AddRange(results
            .Where(r => r.GetProperty("ratio").GetDouble() < Minimum)
            .Select(r => $"{state}, {r.GetProperty("corner").GetString()}: {r.GetProperty("part").GetString()} \"{r.GetProperty("text").GetString()}\" {r.GetProperty("ratio").GetDouble():F2}:1"));
    }
}
