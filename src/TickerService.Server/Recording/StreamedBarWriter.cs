using System.Collections.Concurrent;
using TickerService.Market;

namespace TickerService.Server.Recording;

/// <summary>
/// The fast path of a price-bar import: maps and writes bars, in the import's open transaction,
/// while <see cref="PriceBars.Read"/> is still reading the file on another core. It takes only the
/// common case: each symbol's bars oldest first, all dated after everything recorded of it, a
/// symbol <paramref name="streams"/> allows, every quote within the invariants. When the file
/// leaves that case it stops and says so; the importer then rolls back and takes the general path
/// (<see cref="PriceBars.ToQuotes"/>, <see cref="RecordedSequenceRule"/>), which accepts or names
/// the error exactly as it would have, so the two paths never disagree on what gets in.
/// </summary>
/// <remarks>
/// Why "after everything recorded" is enough for the recording's sequence rule: each symbol's
/// sequences continue its highest recorded one, so every new sequence is above every recorded
/// one; in replay order (time, then recorded first) nothing recorded then follows a new quote,
/// and new sequences rise with time.
/// </remarks>
public sealed class StreamedBarWriter(RecordingConnection connection, Func<string, decimal> tickSizeOf, Func<string, bool> streams)
{
    /// <summary>Quotes written at a time.</summary>
    public const int InsertSize = 8192;

    private readonly Dictionary<string, PriceBarMapper> _mappers = new(StringComparer.Ordinal);

    /// <summary>Each symbol written and the name of its last bar (what the registry names a new instrument).</summary>
    public IEnumerable<(string Symbol, string Name)> Names => _mappers.Select(m => (m.Key, m.Value.Name!));

    /// <summary>
    /// Writes every batch until <paramref name="batches"/> completes adding: true when all were written,
    /// false at the first bar outside the fast path (what was written stays uncommitted).
    /// </summary>
    public bool Write(BlockingCollection<PriceBar[]> batches, CancellationToken cancellationToken)
    {
        var quotes = new List<Quote>(InsertSize);
        try
        {
            foreach (var batch in batches.GetConsumingEnumerable(cancellationToken))
            {
                foreach (var bar in batch)
                {
                    if (Map(bar) is not { } quote)
                    {
                        return false;
                    }
                    quotes.Add(quote);
                }
                if (quotes.Count >= InsertSize)
                {
                    Insert(quotes);
                }
            }
            Insert(quotes);
            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A bar that rounds to 0 ticks, a refused insert: the general path names it.
            return false;
        }
    }

    // Each insert call is a statement prepared (SQLite) or a binary COPY (PostgreSQL, where 256-row
    // COPYs cost about 0.5 s more than one over 100,000 bars).
    private void Insert(List<Quote> quotes)
    {
        if (quotes.Count > 0)
        {
            RecordingStore.InsertInTransaction(connection, quotes, ignoreDuplicates: false, imported: true);
            quotes.Clear();
        }
    }

    private Quote? Map(PriceBar bar)
    {
        if (!_mappers.TryGetValue(bar.Symbol, out var mapper))
        {
            if (Start(bar) is not { } started)
            {
                return null;
            }
            _mappers.Add(bar.Symbol, mapper = started);
        }
        else if (bar.Timestamp <= mapper.Newest)
        {
            return null; // out of time order: the general path sorts the symbol's bars
        }
        var quote = mapper.Next(bar);
        return QuoteInvariants.Check(quote, mapper.TickSize) is null ? quote : null;
    }

    // A symbol's first bar: on the fast path only when nothing recorded of it is as new.
    private PriceBarMapper? Start(PriceBar bar)
    {
        if (!streams(bar.Symbol) || RecordingStore.LastTimestamp(connection, bar.Symbol) >= bar.Timestamp)
        {
            return null;
        }
        var last = RecordingStore.LastSequences(connection, [bar.Symbol]);
        return new PriceBarMapper(tickSizeOf(bar.Symbol), last.TryGetValue(bar.Symbol, out var sequence) ? sequence : 0);
    }
}
