using TickerService.Market;
using TickerService.Server.Registry;

namespace TickerService.Server.Recording;

/// <summary>
/// Writes a checked recording into the store, all or nothing, after the checks that need more
/// than the file: nothing dated in the future (beyond <see cref="ClockSkew"/>), and
/// <see cref="RecordedSequenceRule"/> against what is recorded. One import at a time, and its
/// check and insert in one write transaction, so what was checked is what is written beside.
/// Symbols nobody knows become history-only instruments of the <see cref="InstrumentRegistry"/>
/// in the same transaction; the rows are marked imported, so retention never deletes them.
/// </summary>
public sealed class RecordingImporter(RecordingStore store, QuoteRecorder recorder, InstrumentCatalog catalog, InstrumentRegistry registry, TimeProvider time)
{
    /// <summary>How far ahead of this server's clock an imported quote may be dated (another machine's clock may run a little fast).</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The newest timestamp an import may carry now.</summary>
    public DateTime Latest => time.GetUtcNow().UtcDateTime + ClockSkew;

    /// <summary>
    /// Imports <paramref name="quotes"/> (already checked on their own by <see cref="RecordingFormats"/>).
    /// Throws <see cref="RecordingFormatException"/> for a quote dated in the future and
    /// <see cref="RecordingConflictException"/> for one the recording refuses; nothing is written then.
    /// </summary>
    public async Task<int> ImportAsync(IReadOnlyList<NumberedQuote> quotes, CancellationToken cancellationToken)
    {
        var latest = Latest;
        if (quotes.FirstOrDefault(q => q.Quote.Timestamp > latest) is { Quote: not null } future)
        {
            throw new RecordingFormatException(future.Line, "timestamp",
                $"{future.Quote.Timestamp:yyyy-MM-dd'T'HH:mm:ss.fff'Z'} is in the future (this server's clock allows {ClockSkew.TotalSeconds:0} s ahead at most)");
        }
        return await WriteAsync(_ => quotes, null, cancellationToken);
    }

    /// <summary>
    /// Imports price bars (already checked by <see cref="PriceBars.Read"/>) as quotes, their
    /// sequences continuing each symbol's highest recorded one (<see cref="PriceBars.ToQuotes"/>).
    /// <paramref name="tickSize"/>: the tick of symbols this import registers (null: 0.01).
    /// </summary>
    public Task<int> ImportBarsAsync(IReadOnlyList<PriceBar> bars, decimal? tickSize, CancellationToken cancellationToken)
    {
        if (tickSize is { } tick && bars.Select(b => b.Symbol).Distinct(StringComparer.Ordinal).FirstOrDefault(s => registry.IsKnown(s) && registry.TickSizeOf(s) != tick) is { } known)
        {
            throw new RecordingFormatException(1, "tickSize", $"{known} is known already with a tick of {registry.TickSizeOf(known)}: leave ?tickSize= out, or give that one");
        }
        return WriteAsync(
            connection =>
            {
                var lastSequences = RecordingStore.LastSequences(connection, bars.Select(b => b.Symbol).Distinct(StringComparer.Ordinal));
                var quotes = PriceBars.ToQuotes(bars, s => registry.IsKnown(s) ? registry.TickSizeOf(s) : tickSize ?? QuoteInvariants.DefaultTickSize, lastSequences);
                // What the mapping made is held to the same invariants as any import: a safety net.
                foreach (var (line, quote) in quotes)
                {
                    if (QuoteInvariants.Check(quote, registry.IsKnown(quote.Symbol) ? registry.TickSizeOf(quote.Symbol) : tickSize ?? QuoteInvariants.DefaultTickSize) is { } violation)
                    {
                        throw new RecordingFormatException(line, violation.Field, violation.Message);
                    }
                }
                return quotes;
            },
            tickSize,
            cancellationToken);
    }

    private async Task<int> WriteAsync(Func<RecordingConnection, IReadOnlyList<NumberedQuote>> quotesOf, decimal? tickSize, CancellationToken cancellationToken)
    {
        // The live feed's recorded tail as fresh as it can be: the rule is sound without it, but
        // a stale tail would refuse quotes of the last flush interval for no reason.
        if (recorder.Enabled)
        {
            await recorder.FlushAsync(cancellationToken);
        }
        await _gate.WaitAsync(cancellationToken);
        try
        {
            using var connection = store.OpenForWriting();
            using var transaction = connection.BeginTransaction();
            connection.Engine.LockImports(connection.Db);
            var quotes = quotesOf(connection);
            if (quotes.Count == 0)
            {
                return 0;
            }
            RecordedSequenceRule.Check(connection, quotes, IsLive);
            RecordingStore.InsertInTransaction(connection, quotes.Select(q => q.Quote), ignoreDuplicates: false, imported: true);
            var added = registry.Unknown(quotes.Select(q => (q.Quote.Symbol, q.Quote.Name)), tickSize);
            RecordingStore.InsertInstruments(connection, added);
            transaction.Commit();
            registry.Added(added);
            return quotes.Count;
        }
        finally
        {
            _gate.Release();
        }
    }

    // The live feed's quotes reach the store only while the recorder records them (simulator
    // mode, recording on); otherwise the store and the feed's sequences never meet.
    private bool IsLive(string symbol) => recorder.Enabled && catalog.TryGetIndex(symbol, out _);
}
