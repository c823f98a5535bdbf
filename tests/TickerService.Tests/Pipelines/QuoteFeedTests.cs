using Microsoft.Extensions.Time.Testing;
using TickerService.Configuration;
using TickerService.Market;
using TickerService.Pipelines;

namespace TickerService.Tests.Pipelines;

public sealed class QuoteFeedTests
{
    private static readonly InstrumentCatalog Catalog = new(DefaultInstruments.All);

    [Fact]
    public void AConsumerThatThrowsIsIsolatedAndTheFeedGoesOn()
    {
        using var feed = new QuoteFeed(TimeProvider.System);
        var cache = new LastValueCache(Catalog);
        var faults = new List<Exception>();
        var afterBroken = 0;
        using var broken = feed.Batches.SubscribeIsolated(_ => throw new InvalidOperationException("disk on fire"), faults.Add);
        using var cached = feed.Batches.SubscribeIsolated(cache.OnQuotes, faults.Add);
        using var counted = feed.Batches.SubscribeIsolated(_ => afterBroken++, faults.Add);
        var market = new SimulatedMarket(new MarketSimulator(Catalog, TimeSpan.FromMilliseconds(250), 1), feed, TimeProvider.System);

        market.Tick();
        var second = market.Tick();

        Assert.Equal(2, faults.Count);
        Assert.Equal(2, afterBroken);
        Assert.Same(second.Single(q => q.Symbol == "XOM"), cache.Get("XOM"));
    }

    [Fact]
    public void QuotesCarryTheClockOfTheTimeProviderToTheMillisecond()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 9, 30, 0, 123, TimeSpan.Zero).AddTicks(4567));
        using var feed = new QuoteFeed(clock);
        var market = new SimulatedMarket(new MarketSimulator(Catalog, TimeSpan.FromMilliseconds(250), 1), feed, clock);

        var first = market.Tick();
        clock.Advance(TimeSpan.FromMilliseconds(250));
        var second = market.Tick();

        Assert.All(first, q => Assert.Equal(new DateTime(2026, 11, 27, 9, 30, 0, 123, DateTimeKind.Utc), q.Timestamp));
        Assert.All(second, q => Assert.Equal(new DateTime(2026, 11, 27, 9, 30, 0, 373, DateTimeKind.Utc), q.Timestamp));
        Assert.Equal(clock.GetUtcNow(), feed.LastPublishedAt);
        Assert.Equal(2 * Catalog.Count, feed.PublishedCount);
    }

    [Fact]
    public void SessionChangesArePublishedInOrderWithTheirQuotes()
    {
        using var feed = new QuoteFeed(TimeProvider.System);
        var events = new List<string>();
        using var quotes = feed.Batches.Subscribe(b => events.Add($"quotes:{b[0].Session}"));
        using var sessions = feed.Sessions.Subscribe(s => events.Add($"session:{s.State}"));
        var market = new SimulatedMarket(new MarketSimulator(Catalog, TimeSpan.FromMilliseconds(250), 1), feed, TimeProvider.System);

        market.CloseSession();
        market.Tick();
        market.CloseSession();
        market.OpenSession();

        Assert.Equal(["quotes:closed", "session:closed", "quotes:open", "session:open"], events);
    }

    [Fact]
    public void LatestQuoteBufferKeepsTheNewestPerSymbolInFirstChangeOrder()
    {
        var simulator = new MarketSimulator(Catalog, TimeSpan.FromMilliseconds(250), 1);
        var buffer = new LatestQuoteBuffer(Catalog);
        var first = simulator.Tick(DateTime.UtcNow);
        var second = simulator.Tick(DateTime.UtcNow);

        buffer.Put(first[3]);
        buffer.Put(first[0]);
        buffer.Put(second[3]);
        Assert.False(buffer.Put(second[1], SymbolSet.Of(Catalog.Count, [0, 3])));

        Assert.Equal([second[3], first[0]], buffer.Drain());
        Assert.Equal(1, buffer.Conflated);
        Assert.Empty(buffer.Drain());
    }
}
