using Microsoft.AspNetCore.SignalR;
using TickerService.Market;

namespace TickerService.Server.Hub;

/// <summary>A SignalR connection's outbox: SignalR writes the message's bytes for the connection's protocol as they are.</summary>
internal sealed class HubConnectionOutbox(HubConnectionContext connection, WireFormats formats, InstrumentCatalog catalog, BroadcastCounters counters)
    : ConnectionOutbox(formats.ForHubProtocol(connection.Protocol.Name), formats.All, catalog, counters)
{
    protected override ValueTask WriteAsync(OutgoingMessage message) => connection.WriteAsync(message.Hub);
}
