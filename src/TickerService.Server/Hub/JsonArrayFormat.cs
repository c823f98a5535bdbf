using System.Buffers;
using System.Text.Json;
using TickerService.Json;
using TickerService.Market;

namespace TickerService.Server.Hub;

/// <summary>
/// A wire format whose quotes message is a JSON array of quote objects between a fixed head and
/// tail: SignalR's JSON protocol and the plain JSON of <c>/ws</c> and <c>/sse</c> differ only there,
/// so both serialize a quote and compose a message the same way.
/// </summary>
internal abstract class JsonArrayFormat(int index, JsonSerializerOptions payloadOptions) : WireFormat(index)
{
    // Only the fan-out loop writes pieces, one at a time. The writer's encoder is the one that
    // escapes strings, so it is the options' (SignalR's is the relaxed one: "S&P 500" stays as is).
    private readonly Utf8JsonWriter _writer = new(Stream.Null, new JsonWriterOptions { Encoder = payloadOptions.Encoder });

    // SignalR's default payload options write a quote exactly as QuoteJsonWriter does, faster
    // (WireFormatCompositionTests: the same bytes as SignalR); other options go to the serializer.
    private readonly bool _handWritten = QuoteJsonWriter.Matches(payloadOptions);

    public JsonSerializerOptions PayloadOptions => payloadOptions;

    /// <summary>The bytes before the first quote.</summary>
    protected abstract ReadOnlySpan<byte> Head { get; }

    /// <summary>The bytes after the last quote.</summary>
    protected abstract ReadOnlySpan<byte> Tail { get; }

    public override void WriteQuote(Quote quote, IBufferWriter<byte> output)
    {
        _writer.Reset(output);
        if (_handWritten)
        {
            QuoteJsonWriter.Write(_writer, quote);
        }
        else
        {
            JsonSerializer.Serialize(_writer, quote, payloadOptions);
        }
        _writer.Flush();
    }

    public override int QuotesMessageLength(int count, int piecesLength) =>
        Head.Length + piecesLength + Math.Max(0, count - 1) + Tail.Length;

    public override void WriteQuotesMessage(QuotePieces pieces, ReadOnlySpan<int> positions, Span<byte> output)
    {
        Head.CopyTo(output);
        var at = Head.Length;
        for (var i = 0; i < positions.Length; i++)
        {
            if (i > 0)
            {
                output[at++] = (byte)',';
            }
            var piece = pieces.Of(this, positions[i]);
            piece.CopyTo(output[at..]);
            at += piece.Length;
        }
        Tail.CopyTo(output[at..]);
    }
}
