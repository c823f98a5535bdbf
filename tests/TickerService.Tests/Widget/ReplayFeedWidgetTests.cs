using Microsoft.Playwright;
using TickerService.Market;
using TickerService.Server.Recording;
using TickerService.Tests.Infrastructure;
using TickerService.Tests.Replay;

namespace TickerService.Tests.Widget;

/// <summary>SPEC section 9: a widget on a replay-mode feed shows <c>replay</c> and the recorded date, never <c>live</c>.</summary>
public sealed class ReplayFeedWidgetTests(Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private readonly string _folder = TempFolder.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        TempFolder.Delete(_folder);
        return Task.CompletedTask;
    }

    [SkippableFact]
    public async Task AWidgetOnAPacedReplayFeedShowsReplayAndTheRecordedYearAndNeverGoesLiveOrStale()
    {
        // Trading days of 2010 with the market open (a closed market is never stale anyway), played
        // at one recorded instant every two seconds: quotes four times further apart than stale-after.
        var days = RecordedBars.Daily("SPX", "S&P 500", 5, 1115.10m).Select(q => q with { Session = SessionState.Open });
        var file = Path.Combine(_folder, "days.jsonl");
        await File.WriteAllLinesAsync(file, days.Select(RecordingFormats.ToJsonLine));
        await using var server = new TickerServer()
            .With("Ticker:Feed:Mode", "Replay")
            .With("Ticker:Feed:Replay:File", file)
            .With("Ticker:Feed:Replay:InstantsPerSecond", "0.5")
            .With("Ticker:Feed:Replay:Loop", "true");
        await using var site = await EmbeddingSite.StartAsync(WidgetPageTests.Page(server.BaseAddress, """
            <market-quote symbol="SPX" stale-after="500"></market-quote>
            """));
        await using var browser = await chromium.NewPageAsync();
        var page = browser.Page;
        // Every state the element goes through, and how many quotes it got, from before it exists.
        await page.AddInitScriptAsync("""
            window.states = []; window.quotes = 0;
            document.addEventListener("statechange", e => window.states.push(e.detail.state));
            document.addEventListener("quote", () => window.quotes++);
            """);

        await page.GotoAsync(site.Address.ToString());
        var box = page.Locator("market-quote");

        // The snapshot and two paced quotes after it: two gaps of about two seconds, each long
        // enough for the once-a-second stale check to find nothing newer than 500 ms.
        await page.WaitForFunctionAsync("() => window.quotes >= 3", null,
            new PageWaitForFunctionOptions { Timeout = (float)(2 * TickerServer.Timeout.TotalMilliseconds) });
        Assert.Equal("replay", await box.EvaluateAsync<string>("(e) => e.state"));
        Assert.Equal(["replay"], await page.EvaluateAsync<string[]>("() => window.states"));
        await Assertions.Expect(box.Locator("[part~=badge]")).ToHaveTextAsync("Replay 0.5/s");
        var asof = box.Locator("[part~=asof]");
        await Assertions.Expect(asof).ToBeVisibleAsync();
        await Assertions.Expect(asof).ToContainTextAsync("2010");
        Assert.Empty(browser.Errors);
    }

    [SkippableFact]
    public async Task AServerRestartedInSimulatorModeBringsTheWidgetBackLive()
    {
        var file = Path.Combine(_folder, "xom.jsonl");
        await File.WriteAllLinesAsync(file, RecordedBars.Daily("XOM", "Exxon Mobil", 5, 80m).Select(RecordingFormats.ToJsonLine));
        var port = TickerServer.FreePort();
        var replay = new TickerServer(port: port)
            .With("Ticker:Feed:Mode", "Replay")
            .With("Ticker:Feed:Replay:File", file)
            .With("Ticker:Feed:Replay:InstantsPerSecond", "10");
        await using var site = await EmbeddingSite.StartAsync(WidgetPageTests.Page(replay.BaseAddress, """
            <market-quote symbol="XOM"></market-quote>
            """));
        await using var browser = await chromium.NewPageAsync();
        await browser.Page.GotoAsync(site.Address.ToString());
        var box = browser.Page.Locator("market-quote");
        var badge = box.Locator("[part~=badge]");
        await Assertions.Expect(badge).ToHaveTextAsync("Replay 10/s");

        await replay.DisposeAsync();
        await Assertions.Expect(badge).ToHaveTextAsync("Reconnecting");
        await using var simulator = new TickerServer(port: port);
        Assert.Equal(port, simulator.BaseAddress.Port);

        // The new connection asks the feed again: a simulator's prices are live, and need no as-of time.
        await WidgetPageTests.Live(box);
        Assert.Equal("live", await box.EvaluateAsync<string>("(e) => e.state"));
        await Assertions.Expect(box.Locator("[part~=asof]")).ToBeHiddenAsync();
        // No assertion on the console: while one server stops and the next starts, the retries meet
        // refused connections and, at times, a half-started server's CORS-less answer (as ReconnectTests).
    }
}
