using TickerService.Market;
using TickerService.Server.Hub;

namespace TickerService.Server.Plain;

/// <summary>
/// A plain WebSocket or SSE client's outbox: the fan-out's shared plain-JSON message, framed by
/// the client's <see cref="PlainChannel"/>. Conflation is the base class's, exactly as on the hub.
/// </summary>
internal sealed class PlainOutbox(PlainChannel channel, PlainJsonFormat format, IReadOnlyList<WireFormat> formats, InstrumentCatalog catalog, BroadcastCounters counters)
    : ConnectionOutbox(format, formats, catalog, counters)
{
    protected override ValueTask WriteAsync(OutgoingMessage message) => channel.SendAsync(message.For(Format));
}
