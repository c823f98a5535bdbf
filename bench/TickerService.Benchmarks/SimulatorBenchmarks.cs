using BenchmarkDotNet.Attributes;
using TickerService.Market;

namespace TickerService.Benchmarks;

/// <summary>
/// The price model alone: one <see cref="MarketSimulator.Tick"/> over the 15 default instruments
/// at the default 250 ms tick, fixed seed. Reported per quote (OperationsPerInvoke), so Op/s is
/// quotes per second on one core: the ceiling of the feed before anything consumes it.
/// </summary>
[MemoryDiagnoser]
[OperationsPerSecond]
public class SimulatorBenchmarks
{
    private MarketSimulator _simulator = null!;
    private DateTime _now;

    [GlobalSetup]
    public void Setup()
    {
        var catalog = Defaults.Catalog();
        _simulator = new MarketSimulator(catalog, Defaults.TickInterval, Defaults.Seed);
        _now = Defaults.Start;
    }

    [Benchmark(OperationsPerInvoke = Defaults.QuotesPerTick)]
    public Quote[] Tick() => _simulator.Tick(_now);
}
