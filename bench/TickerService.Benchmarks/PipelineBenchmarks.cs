using System.Reactive.Disposables;
using BenchmarkDotNet.Attributes;
using TickerService.Market;
using TickerService.Pipelines;

namespace TickerService.Benchmarks;

/// <summary>
/// What the feed costs between the simulator and the broadcaster: <see cref="QuoteFeed.Publish"/>
/// with the consumers subscribed as QuotePipelineService does it (each through SubscribeIsolated,
/// batches and sessions): the <see cref="LastValueCache"/> and a consumer that counts. Per quote.
/// <see cref="SimulateAndPublish"/> adds the simulator, as the tick job runs it
/// (<see cref="SimulatedMarket.Tick"/>, lock and system clock included).
/// </summary>
[MemoryDiagnoser]
[OperationsPerSecond]
public class PipelineBenchmarks
{
    private const int Ticks = 64;

    private readonly CompositeDisposable _subscriptions = [];
    private Quote[][] _batches = null!;
    private QuoteFeed _feed = null!;
    private QuoteFeed _marketFeed = null!;
    private SimulatedMarket _market = null!;
    private Exception? _fault;

    [GlobalSetup]
    public void Setup()
    {
        var catalog = Defaults.Catalog();
        _batches = Defaults.Batches(catalog, Ticks);

        _feed = new QuoteFeed(TimeProvider.System);
        Subscribe(_feed, new LastValueCache(catalog), new CountingConsumer());

        _marketFeed = new QuoteFeed(TimeProvider.System);
        Subscribe(_marketFeed, new LastValueCache(catalog), new CountingConsumer());
        _market = new SimulatedMarket(new MarketSimulator(catalog, Defaults.TickInterval, Defaults.Seed), _marketFeed, TimeProvider.System);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _subscriptions.Dispose();
        _feed.Dispose();
        _marketFeed.Dispose();
        // A consumer that threw was cut short, so its time would flatter the result.
        if (_fault is not null)
        {
            throw new InvalidOperationException("A consumer failed during the benchmark.", _fault);
        }
    }

    [Benchmark(OperationsPerInvoke = Ticks * Defaults.QuotesPerTick)]
    public void Publish()
    {
        foreach (var batch in _batches)
        {
            _feed.Publish(batch);
        }
    }

    [Benchmark(OperationsPerInvoke = Defaults.QuotesPerTick)]
    public IReadOnlyList<Quote> SimulateAndPublish() => _market.Tick();

    private void Subscribe(QuoteFeed feed, params IQuoteConsumer[] consumers)
    {
        foreach (var consumer in consumers)
        {
            _subscriptions.Add(feed.Batches.SubscribeIsolated(consumer.OnQuotes, e => _fault ??= e));
            _subscriptions.Add(feed.Sessions.SubscribeIsolated(consumer.OnSession, e => _fault ??= e));
        }
    }

    /// <summary>Stands in for a consumer that only takes note, like the broadcaster's hand-over.</summary>
    private sealed class CountingConsumer : IQuoteConsumer
    {
        public long Quotes { get; private set; }

        public void OnQuotes(IReadOnlyList<Quote> batch) => Quotes += batch.Count;
    }
}
