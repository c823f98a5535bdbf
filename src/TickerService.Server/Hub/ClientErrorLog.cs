using Microsoft.AspNetCore.SignalR;
using TickerService.Market;
using TickerService.Server.Security;

namespace TickerService.Server.Hub;

/// <summary>
/// Logs what clients get wrong, so an operator can see why a client fails, without letting
/// clients fill or forge the log: Information, no stack trace (the mistake is the client's,
/// not the code's), client text cut and escaped (<see cref="ClientText"/>), and rate-limited
/// per connection and over all connections, with a count of what was left out.
/// </summary>
public sealed partial class ClientErrorLog(ILogger<ClientErrorLog> logger, TimeProvider time)
{
    /// <summary>How much of a client's text one entry shows.</summary>
    public const int MaxClientChars = 200;

    // A few entries per connection, then one a minute; over all connections, a burst of 20 then
    // one a second: enough to diagnose, too few for a flood to matter.
    private const int PerConnectionBurst = 3;
    private static readonly TimeSpan PerConnectionRefill = TimeSpan.FromMinutes(1);
    private const int GlobalBurst = 20;
    private static readonly TimeSpan GlobalRefill = TimeSpan.FromSeconds(1);

    private static readonly object BucketKey = new();

    private readonly TokenBucket _global = new(GlobalBurst, GlobalRefill, time);
    private long _suppressed;

    /// <summary>A call refused with a <see cref="HubException"/>; the connection stays up.</summary>
    public void Refused(HubCallerContext connection, string method, string reason)
    {
        if (logger.IsEnabled(LogLevel.Information) && Admit(connection))
        {
            LogRefused(connection.ConnectionId, method, ClientText.Printable(reason, MaxClientChars));
        }
    }

    /// <summary>A connection the server closed for what its client sent (once per connection: it is gone).</summary>
    public void Closed(HubCallerContext connection, Exception reason)
    {
        if (logger.IsEnabled(LogLevel.Information) && Admit(connection))
        {
            var setting = reason is InvalidDataException && reason.Message.Contains("maximum message size", StringComparison.Ordinal)
                ? " (Ticker:Limits:MaxHubMessageBytes)"
                : "";
            LogClosed(connection.ConnectionId, ClientText.Printable(reason.Message, MaxClientChars) + setting);
        }
    }

    private bool Admit(HubCallerContext connection)
    {
        var own = (TokenBucket)connection.Items.GetOrAdd(BucketKey, _ => new TokenBucket(PerConnectionBurst, PerConnectionRefill, time))!;
        if (!own.TryTake() || !_global.TryTake())
        {
            Interlocked.Increment(ref _suppressed);
            return false;
        }
        var suppressed = Interlocked.Exchange(ref _suppressed, 0);
        if (suppressed > 0)
        {
            LogSuppressed(suppressed);
        }
        return true;
    }

    [LoggerMessage(1, LogLevel.Information, "Refused {Method} from connection {ConnectionId}: {Reason}")]
    private partial void LogRefused(string connectionId, string method, string reason);

    [LoggerMessage(2, LogLevel.Information, "Connection {ConnectionId} ended: {Reason}")]
    private partial void LogClosed(string connectionId, string reason);

    [LoggerMessage(3, LogLevel.Information, "{Count} similar messages suppressed (client mistakes are logged at a limited rate)")]
    private partial void LogSuppressed(long count);
}
