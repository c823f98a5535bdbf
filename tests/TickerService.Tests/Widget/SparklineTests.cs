using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Widget;

/// <summary>The stock box's sparkline: the recorded session at once, one request, then live quotes, bounded.</summary>
public sealed class SparklineTests(Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    // The server's clock is the test's: a second between ticks, so every quote is its own point.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 15, 0, 0, TimeSpan.Zero));
    private readonly TickerServer _server = new();

    public Task InitializeAsync()
    {
        _server.WithServices(services => services.AddSingleton<TimeProvider>(_time));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [SkippableFact]
    public async Task AFreshPageShowsTheSessionAtOnceThenLiveQuotesExtendItWithOneRequestAndBoundedPoints()
    {
        _server.Market.OpenSession();
        Tick(29);
        await _server.Recorder.FlushAsync(CancellationToken.None);
        await using var site = await EmbeddingSite.StartAsync(WidgetPageTests.Page(_server.BaseAddress, """
            <market-quote id="on" symbol="XOM"></market-quote>
            <market-quote id="off" symbol="XOM" sparkline="off"></market-quote>
            """));
        await using var browser = await chromium.NewPageAsync();
        var page = browser.Page;
        var sent = new ConcurrentQueue<string>();
        page.WebSocket += (_, socket) => socket.FrameSent += (_, frame) => sent.Enqueue(frame.Text ?? "");

        await page.GotoAsync(site.Address.ToString());
        var box = page.Locator("#on");
        await WidgetPageTests.Live(box);

        // The open's quote and 29 ticks, recorded before the page existed.
        await Assertions.Expect(box.Locator("[part~=sparkline]")).ToBeVisibleAsync();
        await page.WaitForFunctionAsync($"{PointCount("#on")} === 30");
        await Assertions.Expect(page.Locator("#off [part~=sparkline]")).ToBeHiddenAsync();

        // Live quotes are appended, without asking again.
        Tick(5);
        await page.WaitForFunctionAsync($"{PointCount("#on")} === 35");
        // However long the session, the points stay bounded.
        Tick(300);
        await Assertions.Expect(box.Locator("[part~=buy]")).ToHaveTextAsync(WidgetPageTests.Price(_server.Market.Tick().Single(q => q.Symbol == "XOM").Buy));
        var count = await page.EvaluateAsync<int>(PointCount("#on"));
        Assert.InRange(count, 40, 160);

        Assert.Single(sent, frame => frame.Contains("\"target\":\"GetSessionPoints\"", StringComparison.Ordinal));
        Assert.Empty(browser.Errors);
    }

    private void Tick(int count)
    {
        for (var i = 0; i < count; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            _server.Market.Tick();
        }
    }

    private static string PointCount(string selector) =>
        $"(document.querySelector('{selector}').shadowRoot.querySelector('[part~=sparkline] polyline').getAttribute('points') || '').trim().split(/\\s+/).filter(Boolean).length";
}
