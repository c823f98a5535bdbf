using StackExchange.Redis;
using TickerService.Market;
using TickerService.Server.Recording;

namespace TickerService.Server.Cluster;

/// <summary>
/// The shared recording's one writer: the leader records the quote bus, not its own feed, from the
/// entry after the cursor committed with the last rows (<see cref="StreamCursor"/>), with XRANGE.
/// A node that takes over continues from that cursor, so what was published while nobody led, or
/// while the old leader died between its publish and its write, is recorded, and nothing twice.
/// </summary>
/// <remarks>
/// Why the bus and a cursor, not each node writing with a unique key: one writer makes one write
/// per tick for the cluster instead of one per node, and the cursor says exactly where recording
/// stopped. The unique key (symbol, sequence) with ON CONFLICT DO NOTHING stays as a safety net.
/// The stream is capped (<c>Ticker:Cluster:StreamLength</c>): a store unwritable for longer than
/// the stream holds loses the entries trimmed meanwhile. That is told, once a gap, as a Warning
/// naming where: the recording cannot get them back, but whoever reads it must know it has a hole.
/// Redis trims from the oldest entry on, so while the cursor's own entry is still in the stream
/// nothing after it is gone; the read starts at the cursor (XRANGE is inclusive) to see that in
/// the same round trip. Once it is gone, entries between it and the oldest one left, if there
/// were any, were trimmed unrecorded (or lost with a Redis that restarted empty): ids cannot say
/// whether there were, except that none fits between an id and the next number of the same
/// millisecond, and Redis 7's <c>XINFO STREAM</c> cannot either (its <c>max-deleted-entry-id</c>
/// follows XDEL, not trimming).
/// </remarks>
internal sealed partial class BusRecorder(BusConnections connections, ClusterKeys keys, ClusterState state, ILogger<BusRecorder> logger) : ISharedRecording
{
    private const int Page = 500;

    // The cursor whose gap was told, so one gap is one line.
    private (long Ms, long Seq) _told;

    public bool Leading => state.IsLeader;

    public (int Quotes, bool More) RecordNext(RecordingConnection connection)
    {
        var stream = (string)keys.Quotes!;
        using var transaction = connection.BeginTransaction();
        var cursor = StreamCursor.Lock(connection, stream);
        // (0, 0): nothing recorded from this stream yet, everything it holds is to come.
        var recorded = cursor != (0, 0);
        StreamEntry[] read;
        try
        {
            read = connections.Commands.GetDatabase().StreamRange(keys.Quotes, recorded ? $"{cursor.Ms}-{cursor.Seq}" : "0-1", "+", Page);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            throw new IOException($"The quote bus could not be read: {exception.Message}", exception);
        }
        var entries = read.AsSpan();
        if (recorded && entries.Length > 0)
        {
            if (StreamCursor.Parse(entries[0].Id!) is var oldest && oldest == cursor)
            {
                entries = entries[1..]; // recorded already
            }
            else
            {
                TellTrimmed(cursor, oldest);
            }
        }
        if (entries.Length == 0)
        {
            return (0, false);
        }
        var quotes = new List<Quote>();
        foreach (var entry in entries)
        {
            if (BusEntry.Read(entry) is { Quotes: { } batch })
            {
                quotes.AddRange(batch);
            }
        }
        RecordingStore.InsertInTransaction(connection, quotes, ignoreDuplicates: true);
        StreamCursor.Move(connection, stream, entries[^1].Id!);
        transaction.Commit();
        return (quotes.Count, read.Length == Page);
    }

    // The stream starts after the cursor: a gap, unless the oldest entry is the id right after it.
    private void TellTrimmed((long Ms, long Seq) cursor, (long Ms, long Seq) oldest)
    {
        if (cursor != _told && oldest.CompareTo((cursor.Ms, cursor.Seq + 1)) > 0)
        {
            _told = cursor;
            LogTrimmed($"{cursor.Ms}-{cursor.Seq}", $"{oldest.Ms}-{oldest.Seq}");
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "The quote bus was trimmed past the recording: it now starts at {Oldest}, after the last entry recorded, {Cursor}. Quotes published between them, if any, were not recorded, and the recording has a gap there (the store was unwritable for about Ticker:Cluster:StreamLength ticks or longer, or Redis restarted empty)")]
    private partial void LogTrimmed(string cursor, string oldest);
}
