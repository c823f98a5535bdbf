using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using TickerService.Market;
using TickerService.Server.Hub;

namespace TickerService.Benchmarks;

/// <summary>
/// Serializing one tick (15 quotes) as the <c>quotes</c> invocation, by the path the broadcaster
/// takes once per subscriber group and protocol (SubscriberGroup.Message, then the connection's
/// GetSerializedMessage). Both protocols with the options the server registers (the defaults).
/// A fresh message each call, so nothing comes from SerializedHubMessage's cache.
/// </summary>
[MemoryDiagnoser]
public class SerializationBenchmarks
{
    private readonly JsonHubProtocol _json = new();
    private readonly MessagePackHubProtocol _messagePack = new();
    private Quote[] _quotes = null!;

    [GlobalSetup]
    public void Setup()
    {
        // The tenth tick, so volumes and changes are no longer their round starting values.
        _quotes = Defaults.Batches(Defaults.Catalog(), 10)[^1];
        // The wire size is not a column BenchmarkDotNet has; it goes to the log.
        Console.WriteLine($"// quotes message: JSON {Json().Length} bytes, MessagePack {MessagePack().Length} bytes");
    }

    [Benchmark(Baseline = true)]
    public ReadOnlyMemory<byte> Json() => Serialize(_json);

    [Benchmark]
    public ReadOnlyMemory<byte> MessagePack() => Serialize(_messagePack);

    private ReadOnlyMemory<byte> Serialize(IHubProtocol protocol) =>
        new SerializedHubMessage(new InvocationMessage(ClientMethods.Quotes, [_quotes])).GetSerializedMessage(protocol);
}
