using Microsoft.AspNetCore.SignalR;

namespace TickerService.Server.Hub;

/// <summary>
/// SignalR's own lifetime manager (groups, Clients.All, invocation results) with one addition:
/// it hands each connection to the <see cref="QuoteBroadcaster"/>, which writes the live feed to
/// it directly and takes it back when the connection goes, with its subscriptions.
/// </summary>
internal sealed class QuoteHubLifetimeManager(
    QuoteBroadcaster broadcaster,
    ILogger<DefaultHubLifetimeManager<QuoteHub>> logger) : DefaultHubLifetimeManager<QuoteHub>(logger)
{
    public override async Task OnConnectedAsync(HubConnectionContext connection)
    {
        await base.OnConnectedAsync(connection);
        broadcaster.Register(connection);
    }

    public override async Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        broadcaster.Unregister(connection.ConnectionId);
        await base.OnDisconnectedAsync(connection);
    }
}
