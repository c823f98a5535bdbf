using Microsoft.AspNetCore.SignalR;
using TickerService.Market;

namespace TickerService.Server.Hub;

/// <summary>
/// Turns a <see cref="ClientRequestException"/> into a <see cref="HubException"/>, whose message
/// SignalR passes to the client (other exceptions reach it only as a generic error).
/// </summary>
internal sealed class ClientErrorFilter : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(
        HubInvocationContext invocationContext,
        Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (ClientRequestException exception)
        {
            throw new HubException(exception.Message);
        }
    }
}
