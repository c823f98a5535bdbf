using System.Diagnostics.CodeAnalysis;
using Quartz;
using TickerService.Configuration;

namespace TickerService.Server.Feed;

/// <summary>
/// The session's opening and closing cron expressions, read in the configured time zone, and
/// whether the market is open at a given instant (so a restart mid-session starts open).
/// </summary>
internal sealed class SessionSchedule
{
    // Far enough back to see the last open and close of any weekly schedule.
    private static readonly TimeSpan Lookback = TimeSpan.FromDays(8);

    public SessionSchedule(MarketSessionOptions options)
    {
        if (!TryFindTimeZone(options.TimeZone, out var zone))
        {
            throw new ArgumentException($"Unknown time zone '{options.TimeZone}'.", nameof(options));
        }
        TimeZone = zone;
        Open = new CronExpression(options.OpenCron, zone);
        Close = string.IsNullOrWhiteSpace(options.CloseCron) ? null : new CronExpression(options.CloseCron, zone);
    }

    public TimeZoneInfo TimeZone { get; }

    public CronExpression Open { get; }

    /// <summary>Null when the market never closes.</summary>
    public CronExpression? Close { get; }

    public bool IsOpenAt(DateTimeOffset now)
    {
        if (Close is null)
        {
            return true;
        }
        var lastOpen = LastFireAtOrBefore(Open, now);
        var lastClose = LastFireAtOrBefore(Close, now);
        return lastOpen is not null && (lastClose is null || lastOpen > lastClose);
    }

    /// <summary>When the session open at <paramref name="now"/> (or the last one) opened; null if none in the last week.</summary>
    public DateTimeOffset? LastOpenAtOrBefore(DateTimeOffset now) => LastFireAtOrBefore(Open, now);

    public static bool TryFindTimeZone(string id, [NotNullWhen(true)] out TimeZoneInfo? zone)
    {
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception exception) when (exception is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            zone = null;
            return false;
        }
    }

    // Quartz has no "previous fire time", so walk forward from a week back.
    private static DateTimeOffset? LastFireAtOrBefore(CronExpression cron, DateTimeOffset now)
    {
        DateTimeOffset? last = null;
        var next = cron.GetNextValidTimeAfter(now - Lookback);
        while (next is { } fire && fire <= now)
        {
            last = fire;
            next = cron.GetNextValidTimeAfter(fire);
        }
        return last;
    }
}
