using TickerService.Configuration;
using TickerService.Market;

namespace TickerService.Tests.Cluster;

/// <summary>A new leader's simulator continues another's market: prices, the day and every sequence.</summary>
public sealed class ContinueFromQuotesTests
{
    private static readonly InstrumentCatalog Catalog = new(DefaultInstruments.All);
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);
    private static readonly DateTime Start = new(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void The_next_quote_follows_the_last_published_one()
    {
        var old = new MarketSimulator(Catalog, Tick, seed: 1);
        old.Snapshot(Start);
        Quote[] last = [];
        for (var i = 1; i <= 50; i++)
        {
            last = old.Tick(Start.AddSeconds(i));
        }

        var next = new MarketSimulator(Catalog, Tick, seed: 2, open: false);
        next.ContinueFrom(last, open: true);
        var first = next.Tick(Start.AddSeconds(51));

        Assert.True(next.IsOpen);
        foreach (var (before, after) in last.Zip(first))
        {
            Assert.Equal(before.Sequence + 1, after.Sequence);
            Assert.Equal(before.Open, after.Open);
            Assert.Equal(before.PreviousClose, after.PreviousClose);
            Assert.Equal(before.PreviousVolume, after.PreviousVolume);
            Assert.True(after.Volume >= before.Volume);
            Assert.True(after.High >= before.High && after.Low <= before.Low);
            // One tick's move from the last price, not a jump back to the configured start.
            Assert.InRange(after.Last, before.Last * 0.95, before.Last * 1.05);
        }
    }

    [Fact]
    public void A_sequence_is_never_taken_back()
    {
        var simulator = new MarketSimulator(Catalog, Tick, seed: 1);
        simulator.ContinueSequences(Catalog.Options.ToDictionary(o => o.Symbol, _ => 100L));
        var stale = new MarketSimulator(Catalog, Tick, seed: 3).Snapshot(Start);

        simulator.ContinueFrom(stale, open: true);

        Assert.All(simulator.Tick(Start.AddSeconds(1)), quote => Assert.Equal(101, quote.Sequence));
    }
}
