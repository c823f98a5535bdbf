using System.Buffers;
using TickerService.Market;

namespace TickerService.Server.Hub;

/// <summary>
/// How one kind of connection frames quotes on the wire. The fan-out serializes each quote of a
/// tick once per format in use (<see cref="WriteQuote"/>) and builds every connection's message
/// from those pieces (<see cref="WriteQuotesMessage"/>), so a quote costs one serialization per
/// format however many connections get it and whatever else each of them gets with it.
/// A format that is not a SignalR protocol (a plain WebSocket or SSE client) has no
/// <see cref="HubProtocolName"/> and reaches its connections through its own outbox.
/// </summary>
internal abstract class WireFormat(int index)
{
    /// <summary>Position in <see cref="WireFormats.All"/>: where this format's bytes sit in a <see cref="OutgoingMessage"/>.</summary>
    public int Index { get; } = index;

    /// <summary>The SignalR protocol these bytes are for, or null for a non-SignalR format.</summary>
    public abstract string? HubProtocolName { get; }

    /// <summary>One quote, as it appears inside a message of this format.</summary>
    public abstract void WriteQuote(Quote quote, IBufferWriter<byte> output);

    /// <summary>The length of a message holding <paramref name="count"/> pieces of <paramref name="piecesLength"/> bytes in all.</summary>
    public abstract int QuotesMessageLength(int count, int piecesLength);

    /// <summary>A whole message carrying the given pieces, in order, into <paramref name="output"/> (exactly <see cref="QuotesMessageLength"/> bytes).</summary>
    public abstract void WriteQuotesMessage(QuotePieces pieces, ReadOnlySpan<int> positions, Span<byte> output);

    /// <summary>A message of quotes serialized on their own: what a connection that fell behind gets.</summary>
    public abstract byte[] QuotesMessage(Quote[] quotes);

    /// <summary>A session change, as its own message.</summary>
    public abstract byte[] SessionMessage(SessionEvent session);
}
