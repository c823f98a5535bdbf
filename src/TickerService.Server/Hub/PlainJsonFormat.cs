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
internal sealed class PlainJsonFormat(int index, JsonSerializerOptions payloadOptions) : JsonArrayFormat(index, payloadOptions)
{
    protected override ReadOnlySpan<byte> Head => "{\"type\":\"quotes\",\"quotes\":["u8;

    protected override ReadOnlySpan<byte> Tail => "]}"u8;

    public override string? HubProtocolName => null;

    public override byte[] QuotesMessage(Quote[] quotes) => Plain.PlainMessages.Quotes("quotes", quotes, PayloadOptions);

    public override byte[] SessionMessage(SessionEvent session) => Plain.PlainMessages.Session(session, PayloadOptions);
}
