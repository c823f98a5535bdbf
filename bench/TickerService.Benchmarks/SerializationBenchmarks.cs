using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using TickerService.Json;
using TickerService.Market;
using TickerService.Server.Hub;

namespace TickerService.Benchmarks;

/// <summary>
/// Serializing one tick (15 quotes) as the <c>quotes</c> invocation, by the path the broadcaster
/// takes once per subscriber group and protocol (SubscriberGroup.Message, then the connection's
/// GetSerializedMessage). Both protocols with the options the server registers (the defaults).
/// A fresh message each call, so nothing comes from SerializedHubMessage's cache.
/// <see cref="JsonPiecesSerializer"/> and <see cref="JsonPiecesHandWritten"/>: the fan-out's own
/// path, each of the 15 quotes serialized on its own as a piece, by System.Text.Json's serializer
/// with SignalR's payload options against <see cref="QuoteJsonWriter"/> (the same bytes).
/// </summary>
[MemoryDiagnoser]
public class SerializationBenchmarks
{
    private readonly JsonHubProtocol _json = new();
    private readonly MessagePackHubProtocol _messagePack = new();
    private readonly ArrayBufferWriter<byte> _buffer = new(16 * 1024);
    private readonly Utf8JsonWriter _writer = new(Stream.Null);
    private readonly JsonSerializerOptions _payload = new JsonHubProtocolOptions().PayloadSerializerOptions;
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

    [Benchmark]
    public long JsonPiecesSerializer()
    {
        _buffer.ResetWrittenCount();
        foreach (var quote in _quotes)
        {
            _writer.Reset(_buffer);
            JsonSerializer.Serialize(_writer, quote, _payload);
            _writer.Flush();
        }
        return _buffer.WrittenCount;
    }

    [Benchmark]
    public long JsonPiecesHandWritten()
    {
        _buffer.ResetWrittenCount();
        foreach (var quote in _quotes)
        {
            _writer.Reset(_buffer);
            QuoteJsonWriter.Write(_writer, quote);
            _writer.Flush();
        }
        return _buffer.WrittenCount;
    }

    private ReadOnlyMemory<byte> Serialize(IHubProtocol protocol) =>
        new SerializedHubMessage(new InvocationMessage(ClientMethods.Quotes, [_quotes])).GetSerializedMessage(protocol);
}
