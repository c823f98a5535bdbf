using System.Data.Common;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using TickerService.Market;

namespace TickerService.Server.Recording;

/// <summary>
/// The recording in one SQLite file in WAL mode, so readers (replays, exports) never block the
/// recorder and a killed process leaves a database that opens cleanly (SQLite replays or discards
/// the WAL on open). <c>synchronous=NORMAL</c> in WAL mode survives a killed process (not a power
/// cut) and keeps a commit cheap. A new file gets 16 KB pages; an existing one keeps its own.
/// </summary>
/// <remarks>
/// A unique index on (symbol, ts, sequence) makes a one-symbol range a single index range and
/// refuses a quote recorded twice; an index on ts serves all-symbol ranges; one on (symbol,
/// sequence) finds a symbol's highest sequence at start without a scan (3.7 s for 3 million rows
/// without it) and what a resuming client missed (<see cref="RecordingStore.ReadAfter"/>). It costs
/// about a sixth of a bulk insert's time (docs/benchmarks.md). Rows come back in (ts, rowid) order,
/// rowid being insertion order.
/// </remarks>
public sealed class SqliteEngine(string path) : IRecordingEngine
{
    private const string Schema = $"""
        CREATE TABLE IF NOT EXISTS quotes (
            symbol TEXT NOT NULL,
            ts INTEGER NOT NULL,
            sequence INTEGER NOT NULL,
            name TEXT NOT NULL,
            last REAL NOT NULL,
            change REAL NOT NULL,
            change_percent REAL NOT NULL,
            open REAL NOT NULL,
            high REAL NOT NULL,
            low REAL NOT NULL,
            previous_close REAL NOT NULL,
            volume INTEGER NOT NULL,
            previous_volume INTEGER NOT NULL,
            buy REAL NOT NULL,
            sell REAL NOT NULL,
            session TEXT NOT NULL,
            imported INTEGER NOT NULL DEFAULT 0);
        CREATE UNIQUE INDEX IF NOT EXISTS quotes_symbol_ts ON quotes (symbol, ts, sequence);
        CREATE INDEX IF NOT EXISTS quotes_ts ON quotes (ts);
        CREATE INDEX IF NOT EXISTS quotes_symbol_sequence ON quotes (symbol, sequence);
        {RecordingStore.InstrumentsSchema}
        """;

    // Databases made before imports were marked: their rows are the recorder's (imported = 0).
    private const string MarkImports = "ALTER TABLE quotes ADD COLUMN imported INTEGER NOT NULL DEFAULT 0";

    public string Path { get; } = path;

    public string Name => Path;

    public bool Exists => File.Exists(Path);

    public DbConnection OpenForReading()
    {
        var connection = new SqliteConnection(ConnectionString(SqliteOpenMode.ReadOnly));
        connection.Open();
        return connection;
    }

    public DbConnection OpenForWriting()
    {
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
        var connection = new SqliteConnection(ConnectionString(SqliteOpenMode.ReadWriteCreate));
        try
        {
            connection.Open();
            // page_size takes effect only when the file is created (before WAL mode is set): 16 KB
            // pages wrote 100,000 imported rows 14 % faster than the default 4 KB (docs/benchmarks.md).
            Execute(connection, "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;");
            Execute(connection, Schema);
            if (!HasColumn(connection, "quotes", "imported"))
            {
                Execute(connection, MarkImports);
            }
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <remarks>
    /// One prepared statement, bound by index through SQLitePCL (the library under
    /// Microsoft.Data.Sqlite): the ADO.NET command costs a data reader, boxed values and a
    /// parameter walk per row, which measured at about half the rate (docs/benchmarks.md).
    /// </remarks>
    public void Insert(DbConnection connection, IEnumerable<Quote> quotes, bool ignoreDuplicates, bool imported)
    {
        var db = ((SqliteConnection)connection).Handle!;
        var sql = $"INSERT {(ignoreDuplicates ? "OR IGNORE " : "")}INTO quotes ({RecordingStore.Columns}, imported) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, {(imported ? 1 : 0)})";
        Check(raw.sqlite3_prepare_v2(db, sql, out var statement), db);
        // Symbol, name and session repeat from row to row: each distinct one is encoded once.
        var utf8 = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        ReadOnlySpan<byte> Utf8(string text) => utf8.TryGetValue(text, out var bytes) ? bytes : utf8[text] = System.Text.Encoding.UTF8.GetBytes(text);
        using (statement)
        {
            foreach (var q in quotes)
            {
                raw.sqlite3_bind_text(statement, 1, Utf8(q.Symbol));
                raw.sqlite3_bind_int64(statement, 2, RecordingStore.ToUnixMs(q.Timestamp));
                raw.sqlite3_bind_int64(statement, 3, q.Sequence);
                raw.sqlite3_bind_text(statement, 4, Utf8(q.Name));
                raw.sqlite3_bind_double(statement, 5, q.Last);
                raw.sqlite3_bind_double(statement, 6, q.Change);
                raw.sqlite3_bind_double(statement, 7, q.ChangePercent);
                raw.sqlite3_bind_double(statement, 8, q.Open);
                raw.sqlite3_bind_double(statement, 9, q.High);
                raw.sqlite3_bind_double(statement, 10, q.Low);
                raw.sqlite3_bind_double(statement, 11, q.PreviousClose);
                raw.sqlite3_bind_int64(statement, 12, q.Volume);
                raw.sqlite3_bind_int64(statement, 13, q.PreviousVolume);
                raw.sqlite3_bind_double(statement, 14, q.Buy);
                raw.sqlite3_bind_double(statement, 15, q.Sell);
                raw.sqlite3_bind_text(statement, 16, Utf8(q.Session));
                var rc = raw.sqlite3_step(statement);
                raw.sqlite3_reset(statement);
                if (rc != raw.SQLITE_DONE)
                {
                    Check(rc, db);
                }
            }
        }
    }

    // SQLITE_CONSTRAINT: the unique (symbol, ts, sequence) index.
    public bool IsDuplicate(DbException exception) => exception is SqliteException { SqliteErrorCode: raw.SQLITE_CONSTRAINT };

    // SQLITE_BUSY and _LOCKED (another writer past busy_timeout), _IOERR, _FULL and _CANTOPEN (the
    // disk or the file); an extended code keeps its primary one in the low byte.
    public bool IsUnavailable(DbException exception) =>
        exception is SqliteException sqlite && (sqlite.SqliteErrorCode & 0xFF) is raw.SQLITE_BUSY or raw.SQLITE_LOCKED or raw.SQLITE_IOERR or raw.SQLITE_FULL or raw.SQLITE_CANTOPEN;

    // One process writes a file, and the importer lets one import run at a time.
    public void LockImports(DbConnection connection)
    {
    }

    public bool HasTable(DbConnection connection, string table)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @name";
        command.Add("@name", table);
        return (long)command.ExecuteScalar()! > 0;
    }

    private static void Check(int rc, sqlite3 db)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_DONE or raw.SQLITE_ROW))
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }
    }

    private string ConnectionString(SqliteOpenMode mode) => new SqliteConnectionStringBuilder
    {
        DataSource = Path,
        Mode = mode,
        Pooling = true,
        DefaultTimeout = 5,
    }.ToString();

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static bool HasColumn(SqliteConnection connection, string table, string column)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = @column";
        command.Add("@column", column);
        return (long)command.ExecuteScalar()! > 0;
    }
}
