using System.Buffers;
using System.Buffers.Binary;
using MessagePack;
using Microsoft.AspNetCore.SignalR.Protocol;
using TickerService.Market;

namespace TickerService.Server.Hub;

/// <summary>
/// SignalR's MessagePack protocol: a varint length, then the invocation
/// <c>[1, {}, nil, "quotes", [[q, q, ...]], []]</c>, byte for byte what
/// <see cref="MessagePackHubProtocol"/> writes for the same message, with each quote serialized
/// by the protocol's own serializer options.
/// </summary>
internal sealed class MessagePackHubFormat(int index, IHubProtocol protocol, MessagePackSerializerOptions serializerOptions) : WireFormat(index)
{
    // fixarray(6), 1 (invocation), fixmap(0) (no headers), nil (no invocation id), "quotes", fixarray(1) (one argument).
    private static ReadOnlySpan<byte> Head => [0x96, 0x01, 0x80, 0xc0, 0xa6, (byte)'q', (byte)'u', (byte)'o', (byte)'t', (byte)'e', (byte)'s', 0x91];

    // After the argument: no stream ids, fixarray(0).
    private const byte Tail = 0x90;

    public override string HubProtocolName => protocol.Name;

    public override void WriteQuote(Quote quote, IBufferWriter<byte> output) =>
        MessagePackSerializer.Serialize(output, quote, serializerOptions);

    public override int QuotesMessageLength(int count, int piecesLength)
    {
        var body = Head.Length + ArrayHeaderLength(count) + piecesLength + 1;
        return VarIntLength(body) + body;
    }

    public override void WriteQuotesMessage(QuotePieces pieces, ReadOnlySpan<int> positions, Span<byte> output)
    {
        var body = Head.Length + ArrayHeaderLength(positions.Length) + pieces.LengthOf(this, positions) + 1;
        var at = WriteVarInt(body, output);
        Head.CopyTo(output[at..]);
        at += Head.Length;
        at += WriteArrayHeader(positions.Length, output[at..]);
        foreach (var position in positions)
        {
            var piece = pieces.Of(this, position);
            piece.CopyTo(output[at..]);
            at += piece.Length;
        }
        output[at] = Tail;
    }

    public override byte[] QuotesMessage(Quote[] quotes) =>
        protocol.GetMessageBytes(new InvocationMessage(ClientMethods.Quotes, [quotes])).ToArray();

    public override byte[] SessionMessage(SessionEvent session) =>
        protocol.GetMessageBytes(new InvocationMessage(ClientMethods.Session, [session])).ToArray();

    private static int ArrayHeaderLength(int count) => count < 16 ? 1 : count <= ushort.MaxValue ? 3 : 5;

    private static int WriteArrayHeader(int count, Span<byte> output)
    {
        if (count < 16)
        {
            output[0] = (byte)(0x90 | count);
            return 1;
        }
        if (count <= ushort.MaxValue)
        {
            output[0] = 0xdc;
            BinaryPrimitives.WriteUInt16BigEndian(output[1..], (ushort)count);
            return 3;
        }
        output[0] = 0xdd;
        BinaryPrimitives.WriteUInt32BigEndian(output[1..], (uint)count);
        return 5;
    }

    // SignalR's binary framing: the length in 7-bit groups, lowest first, the high bit meaning "more".
    private static int VarIntLength(int value)
    {
        var length = 1;
        while ((value >>= 7) > 0)
        {
            length++;
        }
        return length;
    }

    private static int WriteVarInt(int value, Span<byte> output)
    {
        var at = 0;
        do
        {
            var group = (byte)(value & 0x7f);
            value >>= 7;
            output[at++] = value > 0 ? (byte)(group | 0x80) : group;
        }
        while (value > 0);
        return at;
    }
}
