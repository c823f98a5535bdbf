using TickerService.Server.Security;

namespace TickerService.Server.Recording;

/// <summary>
/// What a caller is told when the recording's database does not answer (PostgreSQL down, a SQLite
/// file locked or its disk failing): one message that says what waits and what goes on, with a
/// time to come back, instead of a bare 500 or "an error on the server". The cause goes to the log,
/// at Warning and at a limited rate, since an outage fails every reader at once.
/// </summary>
public sealed partial class RecordingOutage(RecordingStore store, ILogger<RecordingOutage> logger, TimeProvider time)
{
    public const string Message =
        "The recording is unavailable right now (its database does not answer): history, export, import and replay wait for it, live quotes go on. Try again in a few seconds.";

    /// <summary>When to try again (the HTTP answer's Retry-After).</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    // A few lines at once, then one every ten seconds, with a count of what was left out.
    private readonly TokenBucket _log = new(3, TimeSpan.FromSeconds(10), time);
    private long _suppressed;

    /// <summary>True when <paramref name="exception"/> is the database being unavailable; logs it then.</summary>
    public bool Explains(Exception exception, string what)
    {
        if (!store.IsUnavailable(exception))
        {
            return false;
        }
        if (!_log.TryTake())
        {
            Interlocked.Increment(ref _suppressed);
            return true;
        }
        LogUnavailable(what, store.Name, Cause(exception), Interlocked.Exchange(ref _suppressed, 0));
        return true;
    }

    // The innermost message says what happened (connection refused, database is locked).
    private static string Cause(Exception exception)
    {
        var inner = exception;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }
        return ReferenceEquals(inner, exception) ? exception.Message : $"{exception.Message} ({inner.Message})";
    }

    [LoggerMessage(1, LogLevel.Warning, "{What} failed: the recording database {Store} is unavailable: {Cause} ({Suppressed} similar failures not logged since the last line)")]
    private partial void LogUnavailable(string what, string store, string cause, long suppressed);
}
