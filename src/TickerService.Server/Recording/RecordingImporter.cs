using System.Collections.Concurrent;
using System.Data.Common;
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
        return await UnderGateAsync(() => Task.FromResult(Write(_ => quotes, null)), cancellationToken);
    }

    /// <summary>
    /// Reads, checks and imports price bars (<see cref="PriceBars.Read"/>) as quotes, their
    /// sequences continuing each symbol's highest recorded one (<see cref="PriceBars.ToQuotes"/>).
    /// <paramref name="tickSize"/>: the tick of symbols this import registers (null: 0.01).
    /// </summary>
    /// <remarks>
    /// The common file is written while it is still being read, on the second core
    /// (<see cref="StreamedBarWriter"/>), inside the import's transaction; any other file, or an
    /// error, rolls that back and takes the general path, which checks everything before writing.
    /// </remarks>
    public Task<int> ImportBarsAsync(string text, string? symbol, string? name, decimal? tickSize, CancellationToken cancellationToken) =>
        UnderGateAsync(
            async () =>
            {
                var (bars, written) = await StreamBarsAsync(text, symbol, name, tickSize, cancellationToken);
                return written ?? WriteBars(bars, tickSize);
            },
            cancellationToken);

    // The fast path: the bars read (the parse's errors thrown as they are) and how many were
    // written and committed, or null when the general path must take them.
    private async Task<(List<PriceBar> Bars, int? Written)> StreamBarsAsync(string text, string? symbol, string? name, decimal? tickSize, CancellationToken cancellationToken)
    {
        var latest = Latest;
        using var connection = store.OpenForWriting();
        using var transaction = connection.BeginTransaction();
        connection.Engine.LockImports(connection.Db);
        using var parsed = new BlockingCollection<PriceBar[]>();
        var writer = new StreamedBarWriter(connection, s => TickSizeOf(s, tickSize), s => !IsLive(s) && TickAgrees(s, tickSize));
        // Its own thread: a pool thread may be a while coming when both cores are busy, and the parse keeps one busy.
        var writing = Task.Factory.StartNew(() => writer.Write(parsed, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        List<PriceBar> bars;
        bool written;
        try
        {
            bars = PriceBars.Read(text, symbol, name, latest, parsed);
        }
        finally
        {
            parsed.CompleteAdding();
            // The writer uses the connection: it has stopped before the connection goes.
            written = await writing;
        }
        if (bars.Count == 0)
        {
            return (bars, 0);
        }
        if (!written)
        {
            return (bars, null); // rolled back as the transaction goes
        }
        Commit(connection, transaction, writer.Names, tickSize);
        return (bars, bars.Count);
    }

    // The general path: every bar mapped and checked, then the recording's rule, then the insert.
    private int WriteBars(IReadOnlyList<PriceBar> bars, decimal? tickSize)
    {
        if (tickSize is { } tick && bars.Select(b => b.Symbol).Distinct(StringComparer.Ordinal).FirstOrDefault(s => !TickAgrees(s, tick)) is { } known)
        {
            throw new RecordingFormatException(1, "tickSize", $"{known} is known already with a tick of {registry.TickSizeOf(known)}: leave ?tickSize= out, or give that one");
        }
        return Write(
            connection =>
            {
                var lastSequences = RecordingStore.LastSequences(connection, bars.Select(b => b.Symbol).Distinct(StringComparer.Ordinal));
                var quotes = PriceBars.ToQuotes(bars, s => TickSizeOf(s, tickSize), lastSequences);
                // What the mapping made is held to the same invariants as any import: a safety net.
                foreach (var (line, quote) in quotes)
                {
                    if (QuoteInvariants.Check(quote, TickSizeOf(quote.Symbol, tickSize)) is { } violation)
                    {
                        throw new RecordingFormatException(line, violation.Field, violation.Message);
                    }
                }
                return quotes;
            },
            tickSize);
    }

    // One import at a time, after the live feed's recorded tail is as fresh as it can be: the rule
    // is sound without that, but a stale tail would refuse quotes of the last flush interval for no reason.
    private async Task<int> UnderGateAsync(Func<Task<int>> import, CancellationToken cancellationToken)
    {
        if (recorder.Enabled)
        {
            await recorder.FlushAsync(cancellationToken);
        }
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await import();
        }
        finally
        {
            _gate.Release();
        }
    }

    private int Write(Func<RecordingConnection, IReadOnlyList<NumberedQuote>> quotesOf, decimal? tickSize)
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
        Commit(connection, transaction, quotes.Select(q => (q.Quote.Symbol, q.Quote.Name)), tickSize);
        return quotes.Count;
    }

    // Symbols nobody knew become history-only instruments in the import's own transaction.
    private void Commit(RecordingConnection connection, DbTransaction transaction, IEnumerable<(string Symbol, string Name)> written, decimal? tickSize)
    {
        var added = registry.Unknown(written, tickSize);
        RecordingStore.InsertInstruments(connection, added);
        transaction.Commit();
        registry.Added(added);
    }

    private decimal TickSizeOf(string symbol, decimal? tickSize) =>
        registry.IsKnown(symbol) ? registry.TickSizeOf(symbol) : tickSize ?? QuoteInvariants.DefaultTickSize;

    // A tick given for the import must be the one a known symbol has.
    private bool TickAgrees(string symbol, decimal? tickSize) => tickSize is not { } tick || !registry.IsKnown(symbol) || registry.TickSizeOf(symbol) == tick;

    // The live feed's quotes reach the store only while the recorder records them (simulator
    // mode, recording on); otherwise the store and the feed's sequences never meet.
    private bool IsLive(string symbol) => recorder.Enabled && catalog.TryGetIndex(symbol, out _);
}
