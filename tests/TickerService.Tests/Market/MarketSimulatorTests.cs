using TickerService.Configuration;
using TickerService.Market;

namespace TickerService.Tests.Market;

public sealed class MarketSimulatorTests
{
    private static readonly DateTime Start = new(2026, 11, 27, 14, 30, 0, DateTimeKind.Utc);
    private static readonly InstrumentCatalog Catalog = new(DefaultInstruments.All);

    [Fact]
    public void TheSameSeedGivesTheSameQuotes()
    {
        var a = Run(seed: 7, ticks: 500);
        var b = Run(seed: 7, ticks: 500);
        var c = Run(seed: 8, ticks: 500);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void XomOpensAtTheStockBoxPrice()
    {
        var simulator = new MarketSimulator(Catalog, TimeSpan.FromMilliseconds(250), 1);

        var xom = simulator.Snapshot(Start).Single(q => q.Symbol == "XOM");

        Assert.Equal(("EXXON Mobil", 57.81, 57.81, 57.81, 0.0, 1L), (xom.Name, xom.Open, xom.Last, xom.PreviousClose, xom.Change, xom.Sequence));
    }

    [Fact]
    public void PricesMoveAndVolumeGrowsThroughTheSession()
    {
        var quotes = Run(seed: 3, ticks: 4 * 60 * 10); // ten minutes at four ticks a second
        var xom = quotes.Where(q => q.Symbol == "XOM").ToList();

        Assert.True(xom.Select(q => q.Last).Distinct().Count() > 10, "XOM's price should move in ten minutes");
        Assert.True(xom[^1].Volume > xom[0].Volume);
        // Lumps: most ticks trade nothing or a few lots, a few trade blocks.
        var steps = xom.Zip(xom.Skip(1), (a, b) => b.Volume - a.Volume).Where(s => s > 0).ToList();
        Assert.True(steps.Max() > 10 * steps.Order().ElementAt(steps.Count / 2), "Volume should come in lumps, with some blocks");
        Assert.All(steps, s => Assert.Equal(0, s % 100));
    }

    [Fact]
    public void DailyVolatilityIsRoughlyWhatWasConfigured()
    {
        // A 250 ms tick over one 6.5 hour session: the log return's spread should be near sigma/sqrt(252).
        var options = new InstrumentOptions { Symbol = "VOL", Name = "Vol", StartPrice = 1000m, TickSize = 0.01m, Volatility = 0.32, Spread = 0.02m };
        var catalog = new InstrumentCatalog([options]);
        var returns = new List<double>();
        for (var seed = 0; seed < 200; seed++)
        {
            var simulator = new MarketSimulator(catalog, TimeSpan.FromSeconds(60), seed);
            Quote last = simulator.Snapshot(Start)[0];
            for (var i = 0; i < 390; i++)
            {
                last = simulator.Tick(Start.AddMinutes(i))[0];
            }
            returns.Add(Math.Log(last.Last / 1000.0));
        }
        var mean = returns.Average();
        var sd = Math.Sqrt(returns.Sum(r => (r - mean) * (r - mean)) / (returns.Count - 1));

        Assert.InRange(sd, 0.32 / Math.Sqrt(252) * 0.8, 0.32 / Math.Sqrt(252) * 1.2);
    }

    [Fact]
    public void AClosedMarketDoesNotTrade()
    {
        var simulator = new MarketSimulator(Catalog, TimeSpan.FromMilliseconds(250), 1);

        var closing = simulator.CloseSession(Start);

        Assert.All(closing, q => Assert.Equal("closed", q.Session));
        Assert.Empty(simulator.Tick(Start.AddSeconds(1)));
        Assert.Empty(simulator.CloseSession(Start.AddSeconds(2)));
        Assert.All(simulator.Snapshot(Start.AddSeconds(3)), q => Assert.Equal("closed", q.Session));
    }

    [Fact]
    public void SequencesContinueFromARecordedMaximum()
    {
        var simulator = new MarketSimulator(Catalog, TimeSpan.FromMilliseconds(250), 1);

        simulator.ContinueSequences(new Dictionary<string, long> { ["XOM"] = 1_000 });

        var quotes = simulator.Tick(Start);
        Assert.Equal(1_001, quotes.Single(q => q.Symbol == "XOM").Sequence);
        Assert.Equal(1, quotes.Single(q => q.Symbol == "CVX").Sequence);
    }

    private static List<Quote> Run(int seed, int ticks)
    {
        var simulator = new MarketSimulator(Catalog, TimeSpan.FromMilliseconds(250), seed);
        var quotes = new List<Quote>();
        for (var i = 0; i < ticks; i++)
        {
            quotes.AddRange(simulator.Tick(Start.AddMilliseconds(250 * i)));
        }
        return quotes;
    }

    [Fact]
    public void WithTradeRatesATickCarriesOnlyTheInstrumentsThatTraded()
    {
        // 250 ms ticks: 8 trades a second is nearly every tick (87 %), 0.1 a second one tick in 40.
        var catalog = new InstrumentCatalog(
        [
            new InstrumentOptions { Symbol = "LIQ", Name = "Liquid", StartPrice = 50m, TradesPerSecond = 8 },
            new InstrumentOptions { Symbol = "ILL", Name = "Illiquid", StartPrice = 50m, TradesPerSecond = 0.1 },
            new InstrumentOptions { Symbol = "ALL", Name = "Every tick", StartPrice = 50m },
        ]);
        const int ticks = 40_000;
        var simulator = new MarketSimulator(catalog, TimeSpan.FromMilliseconds(250), 11);
        var counts = new Dictionary<string, int> { ["LIQ"] = 0, ["ILL"] = 0, ["ALL"] = 0 };
        var emptyTicks = 0;
        for (var i = 0; i < ticks; i++)
        {
            var quotes = simulator.Tick(Start.AddMilliseconds(250 * i));
            emptyTicks += quotes.Length == 1 ? 1 : 0;
            foreach (var quote in quotes)
            {
                counts[quote.Symbol]++;
                Assert.Equal(counts[quote.Symbol], quote.Sequence);
            }
        }

        Assert.Equal(ticks, counts["ALL"]);
        // Expected 34,587 and 988; binomial spreads of about 68 and 31, so these bounds are many of them wide.
        Assert.InRange(counts["LIQ"], 34_000, 35_100);
        Assert.InRange(counts["ILL"], 800, 1_200);
        Assert.True(emptyTicks > 4_000, "Many ticks should carry neither rated instrument.");
    }

    [Fact]
    public void AnIlliquidInstrumentMovesAsFarOverTheSameTimeAsALiquidOne()
    {
        // The price diffuses over the ticks between quotes, so quoting rarely does not mean moving less.
        var spread = new List<double>();
        foreach (var rate in new double?[] { null, 0.05 })
        {
            var options = new InstrumentOptions { Symbol = "VOL", Name = "Vol", StartPrice = 1000m, Volatility = 0.32, TradesPerSecond = rate };
            var catalog = new InstrumentCatalog([options]);
            var returns = new List<double>();
            for (var seed = 0; seed < 200; seed++)
            {
                var simulator = new MarketSimulator(catalog, TimeSpan.FromSeconds(1), seed);
                var first = simulator.Snapshot(Start)[0].Last;
                var last = first;
                for (var i = 0; i < 3_600; i++)
                {
                    foreach (var quote in simulator.Tick(Start.AddSeconds(i)))
                    {
                        last = quote.Last;
                    }
                }
                returns.Add(Math.Log(last / first));
            }
            var mean = returns.Average();
            spread.Add(Math.Sqrt(returns.Sum(r => (r - mean) * (r - mean)) / (returns.Count - 1)));
        }

        // One hour of 0.32 a year: about 0.0079; the illiquid one's last quote is at most a minute or so older.
        Assert.InRange(spread[0], 0.0065, 0.0095);
        Assert.InRange(spread[1], 0.0060, 0.0095);
    }

    [Fact]
    public void WithoutTradeRatesTheQuotesAreTheSameAsBefore()
    {
        // No rate draws no extra random number: the defaults' stream of quotes is unchanged. (Pinned
        // from the simulator before rates: XOM's 500th quote with seed 7.)
        var xom = Run(seed: 7, ticks: 500).Where(q => q.Symbol == "XOM").ToList();

        Assert.Equal(500, xom.Count);
        Assert.Equal((57.69, 76_900L), (xom[^1].Last, xom[^1].Volume));
    }
}
