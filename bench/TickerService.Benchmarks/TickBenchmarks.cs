using BenchmarkDotNet.Attributes;
using TickerService.Configuration;
using TickerService.Market;
using TickerService.Pipelines;
using TickerService.Server.Hub;

namespace TickerService.Benchmarks;

/// <summary>
/// One tick of a 5,000-instrument universe at 250 ms, from the simulator to the connections: the
/// simulator (with the generated universe's trade rates, or every instrument on every tick), the
/// feed, the last-value cache and the fan-out to 1,000 connections of 5 symbols each. Against the
/// 250 ms budget of the tick; the recorder's share is RecorderBenchmarks' per-quote cost times the
/// quotes of a tick.
/// </summary>
[MemoryDiagnoser]
public class TickBenchmarks
{
    private const int Instruments = 5_000;
    private const int Clients = 1_000;

    private SimulatedMarket _market = null!;
    private QuoteFeed _feed = null!;
    private IDisposable _subscriptions = null!;

    /// <summary>True: the universe's trade rates (a tick carries what traded); false: every instrument every tick.</summary>
    [Params(true, false)]
    public bool TradeRates { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var options = SyntheticInstruments.Generate(Instruments)
            .Select(o => TradeRates ? o : new InstrumentOptions
            {
                Symbol = o.Symbol, Name = o.Name, StartPrice = o.StartPrice, Spread = o.Spread, Volatility = o.Volatility,
                TypicalVolume = o.TypicalVolume,
            })
            .ToArray();
        var catalog = new InstrumentCatalog(options);
        var formats = FanOutBenchmarks.Formats();
        var counters = new BroadcastCounters();
        var registry = new SubscriptionRegistry(catalog, formats);
        for (var client = 0; client < Clients; client++)
        {
            var id = client.ToString(System.Globalization.CultureInfo.InvariantCulture);
            registry.Add(id, new FanOutBenchmarks.TakingOutbox(formats.All[client % 2], formats.All, catalog, counters));
            var random = new Random(client);
            registry.Subscribe(id, SymbolSet.Of(catalog.Count, Enumerable.Range(0, 5).Select(_ => random.Next(catalog.Count))), 5);
        }
        // On one core, as the target asks.
        var fanOut = new TickFanOut(registry, formats, catalog, counters, parallelism: 1);
        var cache = new LastValueCache(catalog);
        _feed = new QuoteFeed(TimeProvider.System);
        _subscriptions = _feed.Batches.Subscribe(batch =>
        {
            cache.OnQuotes(batch);
            fanOut.FanOut(batch as Quote[] ?? [.. batch]);
        });
        _market = new SimulatedMarket(new MarketSimulator(catalog, TimeSpan.FromMilliseconds(250), Defaults.Seed), _feed, TimeProvider.System);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _subscriptions.Dispose();
        _feed.Dispose();
    }

    [Benchmark]
    public int Tick() => _market.Tick().Count;
}
