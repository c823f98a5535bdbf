using Microsoft.Playwright;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Widget;

/// <summary>layout="list|grid" and direction="right|up" on the tape, by where its items are.</summary>
public sealed class LayoutTests(Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private const string Symbols = "XOM,CVX,BP,SHEL,COP,CL=F";

    private readonly TickerServer _server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [SkippableFact]
    public async Task ListAndGridHoldStillAndRightAndUpScrollTheirWay()
    {
        await using var site = await EmbeddingSite.StartAsync(WidgetPageTests.Page(_server.BaseAddress, $"""
            <div style="width:640px">
            <market-ticker id="list" layout="list" symbols="{Symbols}"></market-ticker>
            <market-ticker id="grid" layout="grid" symbols="{Symbols}"></market-ticker>
            <market-ticker id="left" symbols="{Symbols}"></market-ticker>
            <market-ticker id="right" direction="right" symbols="{Symbols}"></market-ticker>
            <market-ticker id="up" direction="up" symbols="{Symbols}"></market-ticker>
            </div>
            """));
        await using var browser = await chromium.NewPageAsync();
        var page = browser.Page;
        await page.GotoAsync(site.Address.ToString());
        await WidgetPageTests.Live(page.Locator("#up"));

        // A list: one item a row, all at the same left edge; nothing moves, nothing to pause.
        var list = await Positions(page, "#list");
        Assert.Single(list.Select(p => p.X).Distinct());
        Assert.Equal(list.OrderBy(p => p.Y), list);
        Assert.Equal(6, list.Select(p => p.Y).Distinct().Count());
        Assert.Equal("none", await Animation(page, "#list"));
        Assert.False(await page.Locator("#list [part~=pause]").IsVisibleAsync());

        // A grid: rows of columns.
        var grid = await Positions(page, "#grid");
        Assert.InRange(grid.Select(p => p.X).Distinct().Count(), 2, 5);
        Assert.InRange(grid.Select(p => p.Y).Distinct().Count(), 2, 5);
        Assert.Equal("none", await Animation(page, "#grid"));

        // The tapes, held at two moments of their loop: left goes left, right goes right, up goes up.
        var (left0, left1) = await TwoMoments(page, "#left");
        Assert.True(left1.X < left0.X && left1.Y == left0.Y, $"left: {left0} then {left1}");
        var (right0, right1) = await TwoMoments(page, "#right");
        Assert.True(right1.X > right0.X && right1.Y == right0.Y, $"right: {right0} then {right1}");
        var (up0, up1) = await TwoMoments(page, "#up");
        Assert.True(up1.Y < up0.Y && up1.X == up0.X, $"up: {up0} then {up1}");
        var upItems = await Positions(page, "#up");
        Assert.Single(upItems.Select(p => p.X).Distinct());

        // Pause stays reachable on the moving ones.
        foreach (var id in new[] { "#right", "#up" })
        {
            var pause = page.Locator($"{id} [part~=pause]");
            await pause.ClickAsync();
            Assert.Equal("paused", await page.Locator($"{id} [part~=track]").EvaluateAsync<string>("e => getComputedStyle(e).animationPlayState"));
        }
        Assert.Empty(browser.Errors);
    }

    [SkippableFact]
    public async Task UnderReducedMotionEveryLayoutHoldsStill()
    {
        await using var site = await EmbeddingSite.StartAsync(WidgetPageTests.Page(_server.BaseAddress, $"""
            <market-ticker id="right" direction="right" symbols="{Symbols}"></market-ticker>
            <market-ticker id="up" direction="up" symbols="{Symbols}"></market-ticker>
            """));
        await using var browser = await chromium.NewPageAsync(new BrowserNewContextOptions { ReducedMotion = ReducedMotion.Reduce });
        var page = browser.Page;
        await page.GotoAsync(site.Address.ToString());
        await WidgetPageTests.Live(page.Locator("#up"));

        Assert.Equal("none", await Animation(page, "#right"));
        Assert.Equal("none", await Animation(page, "#up"));
        Assert.False(await page.Locator("#up [part~=pause]").IsVisibleAsync());
        // Every item in view: the vertical tape is not cut to a few rows when it does not move.
        foreach (var item in await page.Locator("#up [part~=list]").First.Locator("[part~=item]").AllAsync())
        {
            Assert.True(await item.IsVisibleAsync());
            Assert.True(await page.Locator("#up [part~=viewport]").EvaluateAsync<bool>("(v, i) => i.getBoundingClientRect().bottom <= v.getBoundingClientRect().bottom + 1", await item.ElementHandleAsync()));
        }
    }

    private static async Task<List<(double X, double Y)>> Positions(IPage page, string id)
    {
        var result = new List<(double, double)>();
        foreach (var item in await page.Locator($"{id} [part~=list]").First.Locator("[part~=item]").AllAsync())
        {
            var box = (await item.BoundingBoxAsync())!;
            result.Add((Math.Round(box.X), Math.Round(box.Y)));
        }
        return result;
    }

    private static Task<string> Animation(IPage page, string id) =>
        page.Locator($"{id} [part~=track]").EvaluateAsync<string>("e => getComputedStyle(e).animationName");

    // The first item's place at the start of the loop and a fifth of the way in (the animation held there).
    private static async Task<((double X, double Y), (double X, double Y))> TwoMoments(IPage page, string id)
    {
        var track = page.Locator($"{id} [part~=track]");
        var item = page.Locator($"{id} [part~=list]").First.Locator("[part~=item]").First;
        async Task<(double, double)> At(double fraction)
        {
            await track.EvaluateAsync("(t, f) => { const a = t.getAnimations()[0]; a.pause(); a.currentTime = a.effect.getComputedTiming().duration * f; }", fraction);
            var box = (await item.BoundingBoxAsync())!;
            return (Math.Round(box.X), Math.Round(box.Y));
        }
        return (await At(0.1), await At(0.3));
    }
}
