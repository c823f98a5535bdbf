using System.Text.Json;
using Microsoft.Playwright;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Widget;

/// <summary>axe-core (npm, from the widget's node_modules, never a CDN) over the demo page, in both themes.</summary>
public sealed class AccessibilityScanTests(Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private static readonly string AxeScript = Path.Combine(Repository.Root, "wwwroot", "node_modules", "axe-core", "axe.min.js");

    private readonly TickerServer _server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [SkippableFact]
    public async Task TheDemoPageHasNoSeriousOrCriticalViolationsAndNoConsoleErrors()
    {
        Assert.True(File.Exists(AxeScript), $"axe-core is missing at {AxeScript}: the build's npm ci in wwwroot installs it.");
        await using var browser = await chromium.NewPageAsync();
        var page = browser.Page;
        await page.GotoAsync(_server.BaseAddress.ToString());
        await WidgetPageTests.Live(page.Locator("market-quote[symbol=XOM]"));
        await WidgetPageTests.Live(page.Locator("market-ticker"));
        await page.Locator("market-quote[symbol=XOM] [part~=sparkline]").WaitForAsync();
        await page.AddScriptTagAsync(new() { Path = AxeScript });

        foreach (var theme in new[] { "light", "dark" })
        {
            await page.SelectOptionAsync("#theme", theme);
            var violations = (await page.EvaluateAsync<JsonElement>("""
                async () => (await axe.run(document, { resultTypes: ["violations"] })).violations
                  .filter(v => v.impact === "serious" || v.impact === "critical")
                  .map(v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map(n => n.target.join(" > ")).join(", ")}`)
                """)).EnumerateArray().Select(v => v.GetString()).ToList();
            Assert.True(violations.Count == 0, $"{theme}: {string.Join("\n", violations)}");
        }
        Assert.Empty(browser.Errors);
    }
}
