using System.Buffers;
using System.Text.Json;
using TickerService.Market;

namespace TickerService.Server.Hub;

/// <summary>
/// The plain JSON of <c>/ws</c> and <c>/sse</c> (SPEC section 10): <c>{"type":"quotes","quotes":[q,q,...]}</c>,
/// each quote serialized with the hub's own JSON payload options, so a plain client reads the very
/// quote JSON a SignalR client does. Not a SignalR protocol: its connections are reached through
/// their own outboxes (<see cref="Plain.PlainOutbox"/>), which frame these bytes for a WebSocket
/// or an event stream.
/// </summary>
internal sealed class PlainJsonFormat(int index, JsonSerializerOptions payloadOptions) : WireFormat(index)
{
    private static ReadOnlySpan<byte> Head => "{\"type\":\"quotes\",\"quotes\":["u8;

    private static ReadOnlySpan<byte> Tail => "]}"u8;

    // Only the fan-out loop writes pieces, one at a time.
    private readonly Utf8JsonWriter _writer = new(Stream.Null);

    public JsonSerializerOptions PayloadOptions => payloadOptions;

    public override string? HubProtocolName => null;

    public override void WriteQuote(Quote quote, IBufferWriter<byte> output)
    {
        _writer.Reset(output);
        JsonSerializer.Serialize(_writer, quote, payloadOptions);
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

    public override byte[] QuotesMessage(Quote[] quotes) => Plain.PlainMessages.Quotes("quotes", quotes, payloadOptions);

    public override byte[] SessionMessage(SessionEvent session) => Plain.PlainMessages.Session(session, payloadOptions);
}
