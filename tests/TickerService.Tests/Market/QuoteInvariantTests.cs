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

    public static TheoryData<string, string, string> BrokenQuotes => new()
    {
        { "symbol", "symbol=xom", "'xom' is not a symbol" },
        { "name", "name= ", "the name is empty" },
        { "last", "last=57.155", "last (57.155) is not a whole number of 0.01 ticks" },
        { "last", "last=57.150000000000006", "is not a whole number of 0.01 ticks" },
        { "sell", "sell=0", "sell (0) must be above 0" },
        { "buy", "buy=57.1", "buy (57.1) must be above sell (57.75)" },
        { "open", "open=58.2", "open (58.2) must lie between low (57.5) and high (58)" },
        { "last", "last=57.4", "last (57.4) must lie between low (57.5) and high (58)" },
        { "change", "change=-0.35", "change (-0.35) must be last - previousClose (57.8 - 58.1)" },
        { "changePercent", "changePercent=-0.6", "changePercent (-0.6) must be 100 * change / previousClose" },
        { "volume", "volume=-1", "volumes cannot be negative" },
        { "session", "session=OPEN", "'OPEN' is not a session state" },
        { "timestamp", "timestamp=local", "timestamps are UTC with whole milliseconds" },
    };

    [Theory]
    [MemberData(nameof(BrokenQuotes))]
    public void TheFirstBrokenRuleIsNamedWithItsField(string field, string change, string message)
    {
        var (name, value) = (change.Split('=')[0], change.Split('=', 2)[1]);
        var c = CultureInfo.InvariantCulture;
        var q = name switch
        {
            "symbol" => Valid with { Symbol = value },
            "name" => Valid with { Name = value },
            "last" => Valid with { Last = double.Parse(value, c) },
            "sell" => Valid with { Sell = double.Parse(value, c) },
            "buy" => Valid with { Buy = double.Parse(value, c) },
            "open" => Valid with { Open = double.Parse(value, c) },
            "change" => Valid with { Change = double.Parse(value, c) },
            "changePercent" => Valid with { ChangePercent = double.Parse(value, c) },
            "volume" => Valid with { Volume = long.Parse(value, c) },
            "session" => Valid with { Session = value },
            _ => Valid with { Timestamp = DateTime.SpecifyKind(Valid.Timestamp, DateTimeKind.Local) },
        };

        var violation = QuoteInvariants.Check(q, 0.01m);

        Assert.NotNull(violation);
        Assert.Equal(field, violation.Field);
        Assert.Contains(message, violation.Message);
    }

    [Fact]
    public void AValidQuoteKeepsEveryRuleAndItsTickComesFromItsInstrument()
    {
        Assert.Null(QuoteInvariants.Check(Valid, 0.01m));
        // 57.8 is not a whole number of quarter ticks; unknown symbols are priced in cents.
        Assert.Equal("last", QuoteInvariants.Check(Valid, 0.25m)?.Field);
        var catalog = new InstrumentCatalog(Extremes);
        Assert.Equal(0.25m, QuoteInvariants.TickSizeOf(catalog, "QTR_1"));
        Assert.Equal(QuoteInvariants.DefaultTickSize, QuoteInvariants.TickSizeOf(catalog, "XOM"));
    }

    [Fact]
    public void ASymbolsSequenceMustRiseAndItsTimeNeverGoBack()
    {
        Assert.Null(QuoteInvariants.CheckSuccessor(Valid, Valid with { Sequence = 8 }));
        Assert.Equal("sequence", QuoteInvariants.CheckSuccessor(Valid, Valid with { Sequence = 7 })?.Field);
        Assert.Equal("timestamp", QuoteInvariants.CheckSuccessor(Valid, Valid with { Sequence = 8, Timestamp = Valid.Timestamp.AddMilliseconds(-1) })?.Field);
    }

    private static readonly Quote Valid = new()
    {
        Symbol = "XOM", Name = "EXXON Mobil", Last = 57.8, Change = -0.3, ChangePercent = -0.52, Open = 57.8, High = 58, Low = 57.5,
        PreviousClose = 58.1, Volume = 100, PreviousVolume = 200, Buy = 57.85, Sell = 57.75,
        Timestamp = new DateTime(2026, 11, 27, 15, 0, 0, 123, DateTimeKind.Utc), Sequence = 7, Session = SessionState.Open,
    };

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
            // The one definition the import and replay files use too.
            Assert.Null(QuoteInvariants.Check(q, _options[q.Symbol].TickSize));
            // What the simulator promises beyond it: prices print without float noise, and
            // changePercent is rounded to hundredths, halves away from zero, from the exact ratio.
            foreach (var price in new[] { q.Last, q.Open, q.High, q.Low, q.PreviousClose, q.Buy, q.Sell, q.Change })
            {
                var text = price.ToString(CultureInfo.InvariantCulture);
                Assert.True(text.Length <= 16, $"{q.Symbol} #{q.Sequence}: {text} prints with float noise");
            }
            Assert.Equal((double)Math.Round(100 * Dec(q.Change) / Dec(q.PreviousClose), 2, MidpointRounding.AwayFromZero), q.ChangePercent, 1e-9);

            if (_previous.TryGetValue(q.Symbol, out var p))
            {
                Assert.Null(QuoteInvariants.CheckSuccessor(p, q));
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

        private static decimal Dec(double value) => decimal.Parse(value.ToString(CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
