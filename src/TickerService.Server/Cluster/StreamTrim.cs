using StackExchange.Redis;
using TickerService.Server.Recording;

namespace TickerService.Server.Cluster;

/// <summary>
/// Whether the capped quote stream has been trimmed past the recording's cursor. Redis trims a
/// stream from its oldest entry on, so while the stream still starts at or before the cursor,
/// nothing after it is gone; once it starts after it, entries published between the two, if there
/// were any, were trimmed unrecorded (or lost with a Redis that restarted empty). Ids alone cannot
/// say whether there were (only that none fits between an id and the next number of the same
/// millisecond), and Redis 7's <c>XINFO STREAM</c> does not either: its <c>max-deleted-entry-id</c>
/// follows XDEL, not trimming.
/// </summary>
internal static class StreamTrim
{
    /// <summary>The stream's oldest entry id when it is after <paramref name="cursor"/> (a cursor that has recorded something); null otherwise.</summary>
    public static (long Ms, long Seq)? StartsAfter(IDatabase redis, RedisKey stream, (long Ms, long Seq) cursor)
    {
        if (cursor == (0, 0))
        {
            return null; // nothing recorded from this stream yet: everything it holds is still to come
        }
        var first = redis.StreamRange(stream, "-", "+", 1);
        // The id right after the cursor's (same millisecond, next number) leaves no room for a lost entry.
        return first.Length == 1 && StreamCursor.Parse(first[0].Id!) is var oldest && oldest.CompareTo((cursor.Ms, cursor.Seq + 1)) > 0 ? oldest : null;
    }
}
