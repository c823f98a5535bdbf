using Microsoft.Data.Sqlite;
using TickerService.Configuration;
using TickerService.Market;
using TickerService.Server.Recording;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Recording;

/// <summary>
/// A new SQLite recording is made with 16 KB pages (bulk imports write faster); a recording made
/// before keeps its own page size and is read and written as before.
/// </summary>
public sealed class SqlitePageSizeTests : IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public void ANewRecordingHas16KbPages()
    {
        var store = new RecordingStore(_database.Path);

        using var connection = store.OpenForWriting();

        Assert.Equal(16_384L, PageSize(connection));
    }

    [Fact]
    public void AnOlderRecordingKeepsItsPagesAndTakesQuotes()
    {
        using (var old = new SqliteConnection($"Data Source={_database.Path};Pooling=false"))
        {
            old.Open();
            using var command = old.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE marker (x INTEGER);";
            command.ExecuteNonQuery();
        }
        var store = new RecordingStore(_database.Path);
        var quotes = new MarketSimulator(new InstrumentCatalog(DefaultInstruments.All), TimeSpan.FromMilliseconds(250), 1)
            .Tick(new DateTime(2026, 12, 2, 9, 30, 0, DateTimeKind.Utc));

        using (var connection = store.OpenForWriting())
        {
            Assert.Equal(4_096L, PageSize(connection));
            RecordingStore.Insert(connection, quotes, ignoreDuplicates: false);
        }

        Assert.Equal(quotes, store.Read(null, DateTime.UnixEpoch, DateTime.MaxValue));
    }

    private static long PageSize(RecordingConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA page_size";
        return (long)command.ExecuteScalar()!;
    }
}
