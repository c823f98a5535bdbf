using System.Globalization;
using TickerService.Configuration;
using TickerService.Market;

namespace TickerService.Tests.Market;

/// <summary>
/// A property test: over a million generated quotes per seed, through session closes, opens
/// and rolls, with ordinary and extreme instruments, every SPEC section 1 invariant holds.
/// </summary>
public sealed class QuoteInvariantTests
{
    private static readonly InstrumentOptions[] Extremes =
    [
        // A penny stock with wild volatility: the bid must stay above zero.
        new() { Symbol = "PENNY", Name = "Penny", StartPrice = 0.05m, TickSize = 0.01m, Spread = 0.02m, Volatility = 3.0, TypicalVolume = 50_000_000 },
        // A quarter tick, a wide spread, strong negative drift.
        new() { Symbol = "QTR_1", Name = "Quarters", StartPrice = 12.25m, TickSize = 0.25m, Spread = 0.75m, Volatility = 1.2, Drift = -5, TypicalVolume = 1_000, LotSize = 1 },
        // A tick that is not 1/n: the decimal path.
        new() { Symbol = "ODD.T", Name = "Odd tick", StartPrice = 9.03m, TickSize = 0.03m, Spread = 0.09m, Volatility = 0.8, TypicalVolume = 2_000_000 },
        // Trade rates: a name that quotes on most ticks, and one that jumps after long silences.
        new() { Symbol = "BUSY", Name = "Busy", StartPrice = 31.40m, Volatility = 0.5, TradesPerSecond = 6, TypicalVolume = 80_000_000 },
        new() { Symbol = "RARE", Name = "Rare", StartPrice = 0.12m, Spread = 0.02m, Volatility = 2.5, TradesPerSecond = 0.02, TypicalVolume = 5_000, LotSize = 1 },
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(20261127)]
    public void EveryGeneratedQuoteKeepsTheInvariants(int seed)
    {
        var instruments = DefaultInstruments.All.Concat(Extremes).ToArray();
        var catalog = new InstrumentCatalog(instruments);
        var simulator = new MarketSimulator(catalog, TimeSpan.FromMilliseconds(250), seed);
        var schedule = new Random(seed);
        var checker = new InvariantChecker(instruments);
        var time = new DateTime(2026, 11, 27, 0, 0, 0, DateTimeKind.Utc);

        checker.Check(simulator.Snapshot(time));
        while (checker.Count < 1_000_000)
        {
            time = time.AddMilliseconds(250);
            var roll = schedule.Next(20_000);
            var quotes = roll switch
            {
                0 => simulator.CloseSession(time),
                1 => simulator.OpenSession(time),
                _ => simulator.Tick(time),
            };
            checker.Check(quotes);
        }
        Assert.True(checker.Sessions > 10, "The run should cross several sessions.");
    }

    private sealed class InvariantChecker(InstrumentOptions[] instruments)
    {
        private readonly Dictionary<string, Quote> _previous = [];
        private readonly Dictionary<string, InstrumentOptions> _options = instruments.ToDictionary(i => i.Symbol);

        public long Count { get; private set; }

        public int Sessions { get; private set; }

        public void Check(Quote[] quotes)
        {
            foreach (var quote in quotes)
            {
                Check(quote);
                Count++;
            }
        }

        private void Check(Quote q)
        {
            var tick = _options[q.Symbol].TickSize;
            Assert.True(0 < q.Sell && q.Sell < q.Buy, $"{q.Symbol} #{q.Sequence}: sell {q.Sell}, buy {q.Buy}");
            foreach (var price in new[] { q.Last, q.Open, q.High, q.Low, q.PreviousClose, q.Buy, q.Sell, q.Change })
            {
                AssertWholeTicks(q, price, tick);
            }
            Assert.True(q.Low <= q.Open && q.Open <= q.High, $"{q.Symbol} #{q.Sequence}: low {q.Low} open {q.Open} high {q.High}");
            Assert.True(q.Low <= q.Last && q.Last <= q.High, $"{q.Symbol} #{q.Sequence}: low {q.Low} last {q.Last} high {q.High}");
            Assert.Equal(Dec(q.Last) - Dec(q.PreviousClose), Dec(q.Change));
            // Rounded to hundredths, halves away from zero, from the exact ratio.
            Assert.Equal((double)Math.Round(100 * Dec(q.Change) / Dec(q.PreviousClose), 2, MidpointRounding.AwayFromZero), q.ChangePercent, 1e-9);
            Assert.True(q.Volume >= 0 && q.PreviousVolume >= 0);
            Assert.True(q.Session is "open" or "closed");

            if (_previous.TryGetValue(q.Symbol, out var p))
            {
                Assert.True(q.Sequence > p.Sequence, $"{q.Symbol}: sequence {q.Sequence} after {p.Sequence}");
                Assert.True(q.Timestamp >= p.Timestamp);
                var rolled = q.Session == "open" && q.Volume == 0 && q.PreviousVolume == p.Volume && q.PreviousClose == p.Last && p.Volume != 0;
                if (rolled)
                {
                    Sessions++;
                    Assert.Equal(q.Last, q.Open);
                }
                else
                {
                    Assert.True(q.Volume >= p.Volume, $"{q.Symbol} #{q.Sequence}: volume fell from {p.Volume} to {q.Volume} within a session");
                    Assert.Equal(p.PreviousClose, q.PreviousClose);
                    Assert.Equal(p.PreviousVolume, q.PreviousVolume);
                }
            }
            _previous[q.Symbol] = q;
        }

        private static void AssertWholeTicks(Quote q, double price, decimal tick)
        {
            // The shortest text that round-trips must be the exact tick multiple: no float noise.
            var text = price.ToString(CultureInfo.InvariantCulture);
            var value = decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            Assert.True(value % tick == 0, $"{q.Symbol} #{q.Sequence}: {text} is not a whole number of {tick} ticks");
            Assert.True(text.Length <= 16, $"{q.Symbol} #{q.Sequence}: {text} prints with float noise");
        }

        private static decimal Dec(double value) => decimal.Parse(value.ToString(CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
