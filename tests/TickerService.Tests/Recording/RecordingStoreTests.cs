using TickerService.Configuration;
using TickerService.Market;
using TickerService.Server.Recording;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Recording;

/// <summary>The store's reads and writes on SQLite; <see cref="PostgresRecordingStoreTests"/> runs them on PostgreSQL.</summary>
public class RecordingStoreTests : IDisposable
{
    private static readonly DateTime Start = new(2020, 1, 6, 14, 0, 0, DateTimeKind.Utc);

    private readonly string _folder = TempFolder.Create();
    private readonly RecordingStore _store;
    private readonly List<Quote> _recorded;

    public RecordingStoreTests()
        : this(null)
    {
    }

    /// <param name="postgres">A PostgreSQL database's connection string; null: a SQLite file.</param>
    protected RecordingStoreTests(string? postgres)
    {
        _store = postgres is null ? new RecordingStore(Path.Combine(_folder, "ticker.db")) : new RecordingStore(new PostgresEngine(postgres));
        var simulator = new MarketSimulator(new InstrumentCatalog(new TickerOptions().EffectiveInstruments), TimeSpan.FromMilliseconds(250), 3);
        // 15 quotes share each timestamp, so chunks of 4 or 7 end inside a tick.
        _recorded = [.. Enumerable.Range(0, 10).SelectMany(i => simulator.Tick(Start.AddMilliseconds(250 * i)))];
        using var connection = _store.OpenForWriting();
        RecordingStore.Insert(connection, _recorded, ignoreDuplicates: false);
    }

    public void Dispose()
    {
        TempFolder.Delete(_folder);
        GC.SuppressFinalize(this);
    }

    [SkippableTheory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(1000)]
    public void ReadsInPublishOrderWhateverTheChunkSize(int chunkSize)
    {
        Assert.Equal(_recorded, _store.Read(null, Start, Start.AddHours(1), chunkSize));
        Assert.Equal(_recorded.Where(q => q.Symbol is "XOM" or "BP"), _store.Read(["XOM", "BP"], Start, Start.AddHours(1), chunkSize));
    }

    [SkippableFact]
    public void ARangeIsInclusiveAtBothEnds()
    {
        var from = Start.AddMilliseconds(250);
        var to = Start.AddMilliseconds(750);

        Assert.Equal(_recorded.Where(q => q.Timestamp >= from && q.Timestamp <= to), _store.Read(null, from, to, 7));
    }

    [SkippableFact]
    public void RetentionDeletesOnlyOlderQuotes()
    {
        using var connection = _store.OpenForWriting();

        var deleted = RecordingStore.DeleteBefore(connection, Start.AddMilliseconds(500));

        Assert.Equal(30, deleted);
        Assert.Equal(_recorded.Skip(30), _store.Read(null, DateTime.UnixEpoch, DateTime.MaxValue));
    }

    [SkippableFact]
    public void LastSequencesAreEachSymbolsNewest()
    {
        using var connection = _store.OpenForWriting();

        var last = RecordingStore.LastSequences(connection, ["XOM", "CL=F", "NOPE"]);

        Assert.Equal(_recorded.Last(q => q.Symbol == "XOM").Sequence, last["XOM"]);
        Assert.Equal(_recorded.Last(q => q.Symbol == "CL=F").Sequence, last["CL=F"]);
        Assert.False(last.ContainsKey("NOPE"));
    }
}

public sealed class PostgresRecordingStoreTests(PostgresServer postgres) : RecordingStoreTests(postgres.CreateDatabase()), IClassFixture<PostgresServer>;
