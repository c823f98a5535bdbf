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
}
