
namespace TickerService.Server.Recording;

/// <summary>
/// SPEC 8's rule between new quotes and the recording: per symbol, in replay order (timestamp,
/// then what was written first), <c>sequence</c> strictly increases across recorded and new
/// quotes together. Checked against each recorded neighbour: the quote just before, those
/// within, and the one just after the new quotes' span (one query per symbol).
/// </summary>
/// <remarks>
/// Symbols the live feed quotes and records get one more rule: new quotes must be dated before
/// the symbol's newest recorded quote. Live quotes not yet recorded are newer than it and carry
/// higher sequences, and the feed goes on above them, stamping "now"; so a new quote that fits
/// between recorded neighbours lies below every sequence the feed has made or will make, and the
/// feed's next sequence never needs moving. A new quote dated later would meet live quotes that
/// the check cannot see yet.
/// </remarks>
public static class RecordedSequenceRule
{
    /// <summary>
    /// Throws <see cref="RecordingConflictException"/> naming the first line that breaks the rule.
    /// <paramref name="quotes"/> are in file order, each symbol's already rising (the file's own check).
    /// </summary>
    public static void Check(RecordingConnection connection, IReadOnlyList<NumberedQuote> quotes, Func<string, bool> isLive)
    {
        RecordingConflictException? first = null;
        foreach (var symbol in quotes.GroupBy(q => q.Quote.Symbol, StringComparer.Ordinal))
        {
            var conflict = Check(connection, symbol.Key, [.. symbol], isLive(symbol.Key));
            if (conflict is not null && (first is null || conflict.Line < first.Line))
            {
                first = conflict;
            }
        }
        if (first is not null)
        {
            throw first;
        }
    }

    private static RecordingConflictException? Check(RecordingConnection connection, string symbol, List<NumberedQuote> quotes, bool live)
    {
        if (live)
        {
            var tail = RecordingStore.LastTimestamp(connection, symbol);
            if (quotes.FirstOrDefault(q => tail is null || q.Quote.Timestamp >= tail) is { Quote: not null } late)
            {
                return new RecordingConflictException(late.Line, "timestamp", tail is null
                    ? $"{symbol} is quoted by the live feed and nothing of it is recorded yet: try again once it is"
                    : $"{symbol} is quoted by the live feed: an import may add its quotes only before its newest recorded one ({tail:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}), after which the live feed's sequences follow");
            }
        }

        var recorded = RecordingStore.Neighbours(connection, symbol, quotes[0].Quote.Timestamp, quotes[^1].Quote.Timestamp);
        // Merged in replay order: at one timestamp what is recorded comes first (written earlier).
        (DateTime Timestamp, long Sequence, int Line)? previous = null;
        int r = 0, n = 0;
        while (r < recorded.Count || n < quotes.Count)
        {
            var takeRecorded = n == quotes.Count || (r < recorded.Count && recorded[r].Timestamp <= quotes[n].Quote.Timestamp);
            var current = takeRecorded
                ? (recorded[r].Timestamp, recorded[r].Sequence, Line: 0)
                : (quotes[n].Quote.Timestamp, quotes[n].Quote.Sequence, quotes[n].Line);
            if (takeRecorded)
            {
                r++;
            }
            else
            {
                n++;
            }
            // Two recorded quotes out of order are an old import's doing, not this one's.
            if (previous is { } p && current.Sequence <= p.Sequence && (p.Line != 0 || current.Line != 0))
            {
                return current.Line != 0
                    ? new RecordingConflictException(current.Line, "sequence",
                        $"{symbol}'s sequence {current.Sequence} does not follow {p.Sequence}, recorded at {Format(p.Timestamp)}: sequences must increase in time order across the recording and the import")
                    : new RecordingConflictException(p.Line, "sequence",
                        $"{symbol}'s sequence {p.Sequence} is not below {current.Sequence}, recorded later at {Format(current.Timestamp)}: sequences must increase in time order across the recording and the import");
            }
            previous = current;
        }
        return null;
    }

    private static string Format(DateTime timestamp) => timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>An import that the recording refuses: the first line at fault and the field.</summary>
public sealed class RecordingConflictException(int line, string field, string reason)
    : Exception($"Line {line}, field '{field}': {reason}.")
{
    public int Line { get; } = line;

    public string Field { get; } = field;
}
