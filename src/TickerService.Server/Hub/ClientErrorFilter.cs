using Microsoft.AspNetCore.SignalR;
using TickerService.Server.Recording;
using TickerService.Market;

namespace TickerService.Server.Hub;

/// <summary>
/// Where a hub call's failure is sorted: a client's mistake (a <see cref="ClientRequestException"/>,
/// arguments the protocol could not read) becomes a <see cref="HubException"/>, whose message
/// SignalR passes to the client, and a rate-limited line in <see cref="ClientErrorLog"/>; anything
/// else is the server's fault and is logged here at Error with its stack trace, except the
/// recording's database being unavailable, which the caller is told as such (<see cref="RecordingOutage"/>). SignalR's own
/// entry for a failed call (an Error with the stack, for every exception) is filtered out in
/// appsettings.json, since this filter logs each failure once, at the level it deserves.
/// </summary>
internal sealed partial class ClientErrorFilter(ClientErrorLog clientErrors, RecordingOutage outage, ILogger<ClientErrorFilter> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(
        HubInvocationContext invocationContext,
        Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var method = invocationContext.HubMethodName;
        if (UnreadableArguments.Find(invocationContext.HubMethodArguments) is { } unreadable)
        {
            throw Refuse(invocationContext.Context, method, unreadable.Describe(invocationContext.HubMethod));
        }
        try
        {
            return await next(invocationContext);
        }
        catch (ClientRequestException exception)
        {
            throw Refuse(invocationContext.Context, method, exception.Message);
        }
        catch (HubException exception)
        {
            clientErrors.Refused(invocationContext.Context, method, exception.Message);
            throw;
        }
        catch (Exception exception) when (outage.Explains(exception, $"Hub method {method}"))
        {
            throw new HubException(RecordingOutage.Message);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogFailed(exception, method, invocationContext.Context.ConnectionId);
            throw;
        }
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        // The reason SignalR closed the connection (a message over the size limit, one it could
        // not parse) reaches the hub only here; it logs it at Debug or not at all.
        if (exception is not null)
        {
            clientErrors.Closed(context.Context, exception);
        }
        await next(context, exception);
    }

    private HubException Refuse(HubCallerContext connection, string method, string reason)
    {
        clientErrors.Refused(connection, method, reason);
        return new HubException(reason);
    }

    [LoggerMessage(1, LogLevel.Error, "Hub method {Method} failed on connection {ConnectionId}")]
    private partial void LogFailed(Exception exception, string method, string connectionId);
}
