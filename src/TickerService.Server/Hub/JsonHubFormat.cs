using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Protocol;
using TickerService.Market;

namespace TickerService.Server.Hub;

/// <summary>
/// SignalR's JSON protocol: <c>{"type":1,"target":"quotes","arguments":[[q,q,...]]}</c> and the
/// record separator, byte for byte what <see cref="JsonHubProtocol"/> writes for the same message,
/// with each quote serialized by the protocol's own payload options.
/// </summary>
internal sealed class JsonHubFormat(int index, IHubProtocol protocol, JsonSerializerOptions payloadOptions) : WireFormat(index)
{
    private static ReadOnlySpan<byte> Head => "{\"type\":1,\"target\":\"quotes\",\"arguments\":[["u8;

    private static ReadOnlySpan<byte> Tail => "]]}\u001e"u8;

    // Only the fan-out loop writes pieces, one at a time.
    private readonly Utf8JsonWriter _writer = new(Stream.Null);

    public override string HubProtocolName => protocol.Name;

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

    public override byte[] QuotesMessage(Quote[] quotes) =>
        protocol.GetMessageBytes(new InvocationMessage(ClientMethods.Quotes, [quotes])).ToArray();

    public override byte[] SessionMessage(SessionEvent session) =>
        protocol.GetMessageBytes(new InvocationMessage(ClientMethods.Session, [session])).ToArray();
}
