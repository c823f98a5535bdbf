using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;
using TickerService.Configuration;
using TickerService.Market;
using TickerService.Server.Hub;

namespace TickerService.Benchmarks;

/// <summary>
/// The fan-out's own cost per delivered message: one tick to 1,000 connections of 5 symbols each,
/// every connection the same 5 (identical) or its own 5 (diverse), out of a universe of 500 or
/// 5,000 where every instrument quotes on every tick, so both shapes deliver exactly one message
/// of 5 quotes to every connection and the times compare as they are. The connections keep up
/// and take the bytes at once (<see cref="TakingOutbox"/>): what is left is the lookup, the
/// serialization, the composition and the hand-over, not the transport.
/// </summary>
[MemoryDiagnoser]
public class FanOutBenchmarks
{
    public const int Clients = 1_000;
    private const int Portfolio = 5;
    private const int Ticks = 16;

    private TickFanOut _fanOut = null!;
    private Quote[][] _batches = null!;

    [Params(500, 5_000)]
    public int Instruments { get; set; }

    [Params("identical", "diverse")]
    public string Shape { get; set; } = "";

    /// <summary>Threads the fan-out may use: 1, or both cores.</summary>
    [Params(1, 2)]
    public int Parallelism { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // The generated universe, every instrument quoting on every tick.
        var options = SyntheticInstruments.Generate(Instruments).Select(Copy).ToArray();
        var catalog = new InstrumentCatalog(options);
        var formats = Formats();
        var counters = new BroadcastCounters();
        var registry = new SubscriptionRegistry(catalog, formats);
        for (var client = 0; client < Clients; client++)
        {
            var id = client.ToString(System.Globalization.CultureInfo.InvariantCulture);
            // Half JSON, half MessagePack: both formats are in use, as with real browsers and services.
            registry.Add(id, new TakingOutbox(formats.All[client % 2], formats.All, catalog, counters));
            var random = new Random(Shape == "identical" ? 1 : 1 + client);
            var picked = new HashSet<int>();
            while (picked.Count < Portfolio)
            {
                picked.Add(random.Next(catalog.Count));
            }
            registry.Subscribe(id, SymbolSet.Of(catalog.Count, picked), Portfolio);
        }
        _fanOut = new TickFanOut(registry, formats, catalog, counters, Parallelism);
        var simulator = new MarketSimulator(catalog, TimeSpan.FromMilliseconds(100), Defaults.Seed);
        _batches = [.. Enumerable.Range(0, Ticks).Select(i => simulator.Tick(Defaults.Start.AddMilliseconds(100 * i)))];
    }

    /// <summary>Per delivered message: each tick is one message to each of the 1,000 connections.</summary>
    [Benchmark(OperationsPerInvoke = Ticks * Clients)]
    public void FanOut()
    {
        foreach (var batch in _batches)
        {
            _fanOut.FanOut(batch);
        }
    }

    internal static WireFormats Formats()
    {
        var json = Options.Create(new JsonHubProtocolOptions());
        var messagePack = Options.Create(new MessagePackHubProtocolOptions());
        return new WireFormats([new JsonHubProtocol(json), new MessagePackHubProtocol(messagePack)], json, messagePack);
    }

    private static InstrumentOptions Copy(InstrumentOptions o) => new()
    {
        Symbol = o.Symbol, Name = o.Name, StartPrice = o.StartPrice, TickSize = o.TickSize, Spread = o.Spread,
        Volatility = o.Volatility, TypicalVolume = o.TypicalVolume, LotSize = o.LotSize, TradesPerSecond = null,
    };

    /// <summary>A connection that keeps up: it takes every message at once.</summary>
    internal sealed class TakingOutbox(WireFormat format, IReadOnlyList<WireFormat> formats, InstrumentCatalog catalog, BroadcastCounters counters)
        : ConnectionOutbox(format, formats, catalog, counters)
    {
        public long Bytes { get; private set; }

        protected override ValueTask WriteAsync(OutgoingMessage message)
        {
            Bytes += message.For(Format).Length;
            return ValueTask.CompletedTask;
        }
    }
}
