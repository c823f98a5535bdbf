using TickerService.Market;

namespace TickerService.Server.Recording;

/// <summary>
/// Writes a checked recording into the store, all or nothing, after the checks that need more
/// than the file: nothing dated in the future (beyond <see cref="ClockSkew"/>), and
/// <see cref="RecordedSequenceRule"/> against what is recorded. One import at a time, and its
/// check and insert in one write transaction, so what was checked is what is written beside.
/// </summary>
public sealed class RecordingImporter(RecordingStore store, QuoteRecorder recorder, InstrumentCatalog catalog, TimeProvider time)
{
    /// <summary>How far ahead of this server's clock an imported quote may be dated (another machine's clock may run a little fast).</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>
    /// Imports <paramref name="quotes"/> (already checked on their own by <see cref="RecordingFormats"/>).
    /// Throws <see cref="RecordingFormatException"/> for a quote dated in the future and
    /// <see cref="RecordingConflictException"/> for one the recording refuses; nothing is written then.
    /// </summary>
    public async Task<int> ImportAsync(IReadOnlyList<NumberedQuote> quotes, CancellationToken cancellationToken)
    {
        var latest = time.GetUtcNow().UtcDateTime + ClockSkew;
        if (quotes.FirstOrDefault(q => q.Quote.Timestamp > latest) is { Quote: not null } future)
        {
            throw new RecordingFormatException(future.Line, "timestamp",
                $"{future.Quote.Timestamp:yyyy-MM-dd'T'HH:mm:ss.fff'Z'} is in the future (this server's clock allows {ClockSkew.TotalSeconds:0} s ahead at most)");
        }
        if (quotes.Count == 0)
        {
            return 0;
        }
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
            RecordedSequenceRule.Check(connection, quotes, IsLive);
            RecordingStore.InsertInTransaction(connection, quotes.Select(q => q.Quote), ignoreDuplicates: false);
            transaction.Commit();
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
