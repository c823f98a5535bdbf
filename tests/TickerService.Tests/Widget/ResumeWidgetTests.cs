using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Widget;

/// <summary>
/// The widget resumes after every reconnect (SPEC 11, issue 12): the quotes published while it was
/// away reach the page in order, through the normal path (quote events, the box, the tape, the
/// sparkline), each sequence once.
/// </summary>
public sealed class ResumeWidgetTests(Chromium chromium) : IClassFixture<Chromium>
{
    private const string Body = """
        <market-quote symbol="XOM"></market-quote>
        <market-ticker symbols="XOM,CVX"></market-ticker>
        """;

    // Installed before the page's scripts run, so the first snapshot's events are kept too.
    private const string RecordQuoteEvents = """
        window.events = [];
        document.addEventListener("quote", e => window.events.push({ tag: e.target.localName, symbol: e.detail.symbol, sequence: e.detail.sequence }));
        """;

    // The hub's negotiate request: refused while the feed moves on, so the page is surely away then.
    private const string Negotiate = "**/hubs/quotes/negotiate**";

    [SkippableFact]
    public async Task AfterARestartOnTheSameRecordingThePageGetsEveryQuoteItMissedInOrder()
    {
        var folder = TempFolder.Create();
        try
        {
            var recording = Path.Combine(folder, "ticker.db");
            var port = TickerServer.FreePort();
            // The servers' clocks are the test's: a second between ticks, so each quote is a sparkline point of its own.
            var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 15, 0, 0, TimeSpan.Zero));
            var first = Server(recording, port, time);
            await using var site = await EmbeddingSite.StartAsync(WidgetPageTests.Page(first.BaseAddress, Body));
            await using var browser = await chromium.NewPageAsync();
            var page = browser.Page;
            var sent = new ConcurrentQueue<string>();
            page.WebSocket += (_, socket) => socket.FrameSent += (_, frame) => sent.Enqueue(frame.Text ?? "");
            await page.AddInitScriptAsync(RecordQuoteEvents);
            await page.GotoAsync(site.Address.ToString());
            var box = page.Locator("market-quote");
            var tape = page.Locator("market-ticker");
            await WidgetPageTests.Live(box);
            await WidgetPageTests.Live(tape);
            await PaintedAsync(page, Tick(first, time, 3));
            var pointsBefore = await SparklinePointsAsync(page);
            var eventsBefore = await XomEventsOfTheBoxAsync(page);

            // Some quotes the page may not get before the server goes; all of them are recorded.
            Tick(first, time, 2);
            await first.DisposeAsync();
            await Assertions.Expect(box.Locator("[part~=badge]")).ToHaveTextAsync("Reconnecting");

            // Back on the same file, so the sequences continue; the feed moves before the page is back.
            await page.RouteAsync(Negotiate, route => route.AbortAsync());
            time.Advance(TimeSpan.FromMinutes(1));
            await using var second = Server(recording, port, time);
            Assert.Equal(port, second.BaseAddress.Port);
            Tick(second, time, 3);
            await page.UnrouteAsync(Negotiate);
            await WidgetPageTests.Live(box);
            var last = Tick(second, time, 2);
            await PaintedAsync(page, last);

            await AssertEverySequenceOnceAsync(page);
            Assert.Contains(sent, frame => frame.Contains("\"target\":\"Resume\"", StringComparison.Ordinal));
            await Assertions.Expect(box.Locator("[part~=buy]")).ToHaveTextAsync(WidgetPageTests.Price(last.Single(q => q.Symbol == "XOM").Buy));
            // The sparkline got a point for every quote it missed, not a line across the gap.
            var missed = await XomEventsOfTheBoxAsync(page) - eventsBefore;
            await page.WaitForFunctionAsync($"{SparklinePoints} === {pointsBefore + missed}");
            AssertNoScriptErrors(browser);
        }
        finally
        {
            TempFolder.Delete(folder);
        }
    }

    [SkippableFact]
    public async Task TheClientsOwnReconnectResumesWhereThePageLeftOff()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 15, 0, 0, TimeSpan.Zero));
        await using var server = Server(null, 0, time);
        await using var site = await EmbeddingSite.StartAsync(WidgetPageTests.Page(server.BaseAddress, Body));
        await using var browser = await chromium.NewPageAsync();
        var page = browser.Page;
        // The hub's WebSocket passes through the browser's router, so the test can cut it as a network would.
        var sockets = new ConcurrentQueue<IWebSocketRoute>();
        await page.RouteWebSocketAsync(new System.Text.RegularExpressions.Regex("/hubs/quotes"), socket =>
        {
            socket.ConnectToServer();
            sockets.Enqueue(socket);
        });
        await page.AddInitScriptAsync(RecordQuoteEvents);
        await page.GotoAsync(site.Address.ToString());
        var box = page.Locator("market-quote");
        await WidgetPageTests.Live(box);
        await WidgetPageTests.Live(page.Locator("market-ticker"));
        await PaintedAsync(page, Tick(server, time, 3));

        // The connection drops; the same server goes on publishing while the page is away.
        await page.RouteAsync(Negotiate, route => route.AbortAsync());
        Assert.True(sockets.TryDequeue(out var socket));
        await socket.CloseAsync(new() { Code = 4000, Reason = "cut by the test" });
        await Assertions.Expect(box.Locator("[part~=badge]")).ToHaveTextAsync("Reconnecting");
        Tick(server, time, 4);
        await page.UnrouteAsync(Negotiate);
        await WidgetPageTests.Live(box);
        await PaintedAsync(page, Tick(server, time, 2));

        await AssertEverySequenceOnceAsync(page);
        AssertNoScriptErrors(browser);
    }

    // The browser logs each refused request while the server is away; anything else is the page's fault.
    private static void AssertNoScriptErrors(BrowserPage browser) =>
        Assert.DoesNotContain(browser.Errors, e => !e.StartsWith("Failed to load resource: net::", StringComparison.Ordinal)
            && !e.StartsWith("WebSocket connection to", StringComparison.Ordinal));

    private static TickerServer Server(string? recording, int port, FakeTimeProvider time) =>
        new TickerServer(recording, port).WithServices(services => services.AddSingleton<TimeProvider>(time));

    private static IReadOnlyList<TickerService.Market.Quote> Tick(TickerServer server, FakeTimeProvider time, int count)
    {
        IReadOnlyList<TickerService.Market.Quote> last = [];
        for (var i = 0; i < count; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            last = server.Market.Tick();
        }
        return last;
    }

    // Until the box and the tape have handed out this tick's XOM and CVX quotes.
    private static async Task PaintedAsync(IPage page, IReadOnlyList<TickerService.Market.Quote> tick)
    {
        var xom = tick.Single(q => q.Symbol == "XOM").Sequence;
        var cvx = tick.Single(q => q.Symbol == "CVX").Sequence;
        await page.WaitForFunctionAsync($$"""
            window.events.some(e => e.tag === "market-quote" && e.symbol === "XOM" && e.sequence === {{xom}})
            && window.events.some(e => e.tag === "market-ticker" && e.symbol === "CVX" && e.sequence === {{cvx}})
            """);
    }

    // Per element and symbol, from the first snapshot on: consecutive sequences, none twice, none missing.
    private static async Task AssertEverySequenceOnceAsync(IPage page)
    {
        var events = (await page.EvaluateAsync<JsonElement>("window.events")).EnumerateArray()
            .Select(e => (Tag: e.GetProperty("tag").GetString()!, Symbol: e.GetProperty("symbol").GetString()!, Sequence: e.GetProperty("sequence").GetInt64()))
            .ToList();
        foreach (var stream in events.GroupBy(e => (e.Tag, e.Symbol)))
        {
            var sequences = stream.Select(e => e.Sequence).ToList();
            var expected = Enumerable.Range(0, sequences.Count).Select(i => sequences[0] + i);
            Assert.True(expected.SequenceEqual(sequences), $"{stream.Key.Tag} {stream.Key.Symbol} saw {string.Join(" ", sequences)}");
        }
        Assert.Contains(events, e => e.Tag == "market-ticker" && e.Symbol == "CVX");
    }

    private static async Task<int> XomEventsOfTheBoxAsync(IPage page) =>
        await page.EvaluateAsync<int>("window.events.filter(e => e.tag === 'market-quote').length");

    // Drawn at the next animation frame: wait for two, then count.
    private static async Task<int> SparklinePointsAsync(IPage page)
    {
        await page.EvaluateAsync("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))");
        return await page.EvaluateAsync<int>(SparklinePoints);
    }

    private const string SparklinePoints =
        "(document.querySelector('market-quote').shadowRoot.querySelector('[part~=sparkline] polyline').getAttribute('points') || '').trim().split(/\\s+/).filter(Boolean).length";
}
