using TickerService.Market;
using TickerService.Pipelines;
using TickerService.Server.Feed;

namespace TickerService.Server.Widget;

/// <summary>
/// When the current session opened: at start, the schedule's last open (a restart mid-session
/// still knows its session), then every <c>open</c> the feed publishes (a Quartz open, a test's, or
/// a later feed's own). A closed market keeps the session that closed: its sparkline stays on show.
/// </summary>
public sealed class SessionOpenTracker : IQuoteConsumer
{
    private long _openedAtTicks;

    internal SessionOpenTracker(SessionSchedule schedule, TimeProvider time)
    {
        var now = time.GetUtcNow();
        _openedAtTicks = (schedule.LastOpenAtOrBefore(now) ?? now).UtcTicks;
    }

    public DateTime OpenedAt => new(Interlocked.Read(ref _openedAtTicks), DateTimeKind.Utc);

    public void OnQuotes(IReadOnlyList<Quote> batch)
    {
    }

    public void OnSession(SessionEvent session)
    {
        if (session.State == SessionState.Open)
        {
            Interlocked.Exchange(ref _openedAtTicks, session.At.Ticks);
        }
    }
}
