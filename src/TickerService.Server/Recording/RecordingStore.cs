using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using TickerService.Configuration;
using TickerService.Market;

namespace TickerService.Server.Recording;

/// <summary>
/// The recording database: one SQLite file in WAL mode, so readers (replays, exports) never block
/// the recorder and a killed process leaves a database that opens cleanly (SQLite replays or
/// discards the WAL on open).
/// </summary>
/// <remarks>
/// Schema: one row per quote, timestamps as Unix milliseconds, <c>imported</c> 1 for an import's
/// rows (retention spares them); an <c>instruments</c> table for the symbols recordings brought. A unique index on
/// (symbol, ts, sequence) makes a one-symbol range a single index range and refuses a quote
/// recorded twice; an index on ts serves all-symbol ranges; one on (symbol, sequence) finds a
/// symbol's highest sequence at start without a scan (3.7 s for 3 million rows without it).
/// Rows are read in (ts, rowid) order, rowid being insertion order, so quotes of one tick come
/// back in the order they were published.
/// <c>synchronous=NORMAL</c> in WAL mode survives a killed process (not a power cut) and keeps
/// a commit cheap.
/// </remarks>
public sealed class RecordingStore(string path)
{
    public const int DefaultChunkSize = 1000;

    private const string Columns =
        "symbol, ts, sequence, name, last, change, change_percent, open, high, low, previous_close, volume, previous_volume, buy, sell, session";

    private const string Schema = """
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
        CREATE TABLE IF NOT EXISTS instruments (
            symbol TEXT NOT NULL PRIMARY KEY,
            name TEXT NOT NULL,
            currency TEXT NOT NULL,
            tick_size TEXT NOT NULL);
        """;

    // Databases made before imports were marked: their rows are the recorder's (imported = 0).
    private const string MarkImports = "ALTER TABLE quotes ADD COLUMN imported INTEGER NOT NULL DEFAULT 0";

    private int _openReaders;

    public string Path { get; } = path;

    /// <summary>Range reads in progress: a replay or export that ended has released its reader.</summary>
    public int OpenReaders => Volatile.Read(ref _openReaders);

    /// <summary>Opens (creating if needed) a connection for writing, with WAL and the schema in place.</summary>
    public SqliteConnection OpenForWriting()
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
            Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;");
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

    /// <summary>Writes quotes in one transaction: all or none.</summary>
    /// <remarks>
    /// One prepared statement, bound by index through SQLitePCL (the library under
    /// Microsoft.Data.Sqlite): the ADO.NET command costs a data reader, boxed values and a
    /// parameter walk per row, which measured at about half the rate (docs/benchmarks.md).
    /// </remarks>
    public static void Insert(SqliteConnection connection, IEnumerable<Quote> quotes, bool ignoreDuplicates)
    {
        using var transaction = connection.BeginTransaction();
        InsertInTransaction(connection, quotes, ignoreDuplicates);
        transaction.Commit();
    }

    /// <summary>Writes quotes in the connection's open transaction (a check and its insert, as one).</summary>
    /// <param name="imported">
    /// Marks the rows as an import's: retention never deletes them (SPEC 8), only the recorder's own.
    /// </param>
    public static void InsertInTransaction(SqliteConnection connection, IEnumerable<Quote> quotes, bool ignoreDuplicates, bool imported = false)
    {
        var db = connection.Handle!;
        var sql = $"INSERT {(ignoreDuplicates ? "OR IGNORE " : "")}INTO quotes ({Columns}, imported) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, {(imported ? 1 : 0)})";
        Check(raw.sqlite3_prepare_v2(db, sql, out var statement), db);
        using (statement)
        {
            foreach (var q in quotes)
            {
                raw.sqlite3_bind_text(statement, 1, q.Symbol);
                raw.sqlite3_bind_int64(statement, 2, ToUnixMs(q.Timestamp));
                raw.sqlite3_bind_int64(statement, 3, q.Sequence);
                raw.sqlite3_bind_text(statement, 4, q.Name);
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
                raw.sqlite3_bind_text(statement, 16, q.Session);
                var rc = raw.sqlite3_step(statement);
                raw.sqlite3_reset(statement);
                if (rc != raw.SQLITE_DONE)
                {
                    Check(rc, db);
                }
            }
        }
    }

    private static void Check(int rc, sqlite3 db)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_DONE or raw.SQLITE_ROW))
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }
    }

    /// <summary>
    /// Recorded quotes from <paramref name="from"/> to <paramref name="to"/> (both inclusive), oldest
    /// first, read lazily a chunk at a time: each chunk is its own short query, so a long range never
    /// sits in memory and a paused replay holds no read transaction open (which would stop WAL
    /// checkpoints). Disposing the enumerator stops the read. <paramref name="symbols"/> null: all.
    /// </summary>
    public IEnumerable<Quote> Read(IReadOnlyCollection<string>? symbols, DateTime from, DateTime to, int chunkSize = DefaultChunkSize)
    {
        if (!File.Exists(Path) || from > to)
        {
            yield break;
        }
        Interlocked.Increment(ref _openReaders);
        try
        {
            long lastTs = ToUnixMs(from), lastRowId = long.MinValue;
            var toMs = ToUnixMs(to);
            var filter = new StringBuilder();
            if (symbols is not null)
            {
                filter.Append(" AND symbol IN (");
                filter.AppendJoin(", ", symbols.Select((_, i) => $"$s{i}"));
                filter.Append(')');
            }
            while (true)
            {
                var chunk = new List<(long RowId, Quote Quote)>(chunkSize);
                using (var connection = new SqliteConnection(ConnectionString(SqliteOpenMode.ReadOnly)))
                {
                    connection.Open();
                    using var command = connection.CreateCommand();
                    command.CommandText =
                        $"SELECT rowid, {Columns} FROM quotes WHERE (ts > $ts OR (ts = $ts AND rowid > $rowid)) AND ts <= $to{filter} " +
                        "ORDER BY ts, rowid LIMIT $limit";
                    command.Parameters.AddWithValue("$ts", lastTs);
                    command.Parameters.AddWithValue("$rowid", lastRowId);
                    command.Parameters.AddWithValue("$to", toMs);
                    command.Parameters.AddWithValue("$limit", chunkSize);
                    if (symbols is not null)
                    {
                        var i = 0;
                        foreach (var symbol in symbols)
                        {
                            command.Parameters.AddWithValue($"$s{i++}", symbol);
                        }
                    }
                    using var reader = command.ExecuteReader();
                    while (reader.Read())
                    {
                        chunk.Add((reader.GetInt64(0), ReadQuote(reader, 1)));
                    }
                }
                foreach (var (rowId, quote) in chunk)
                {
                    lastTs = ToUnixMs(quote.Timestamp);
                    lastRowId = rowId;
                    yield return quote;
                }
                if (chunk.Count < chunkSize)
                {
                    yield break;
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _openReaders);
        }
    }

    /// <summary>
    /// The highest recorded sequence of each symbol. Not the newest-dated quote's: a recording made
    /// before imports were checked against it may hold a newer quote with a lower sequence, and a
    /// feed continuing from that would repeat sequences clients have seen.
    /// </summary>
    /// <remarks>One seek in the (symbol, sequence) index per symbol.</remarks>
    public static Dictionary<string, long> LastSequences(SqliteConnection connection, IEnumerable<string> symbols)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT MAX(sequence) FROM quotes WHERE symbol = $symbol";
        var parameter = command.Parameters.Add(new SqliteParameter { ParameterName = "$symbol" });
        foreach (var symbol in symbols)
        {
            parameter.Value = symbol;
            if (command.ExecuteScalar() is long sequence)
            {
                result[symbol] = sequence;
            }
        }
        return result;
    }

    /// <summary>
    /// A symbol's recorded (timestamp, sequence) pairs around a span, in replay order (ts, then
    /// insertion): the last one before <paramref name="from"/>, all from <paramref name="from"/> to
    /// <paramref name="to"/>, and the first one after. What an import's quotes must fit between.
    /// </summary>
    public static List<(DateTime Timestamp, long Sequence)> Neighbours(SqliteConnection connection, string symbol, DateTime from, DateTime to)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT ts, sequence FROM (SELECT ts, sequence FROM quotes
                WHERE symbol = $symbol AND ts = (SELECT MAX(ts) FROM quotes WHERE symbol = $symbol AND ts < $from) ORDER BY rowid DESC LIMIT 1)
            UNION ALL
            SELECT ts, sequence FROM (SELECT ts, sequence FROM quotes WHERE symbol = $symbol AND ts >= $from AND ts <= $to ORDER BY ts, rowid)
            UNION ALL
            SELECT ts, sequence FROM (SELECT ts, sequence FROM quotes
                WHERE symbol = $symbol AND ts = (SELECT MIN(ts) FROM quotes WHERE symbol = $symbol AND ts > $to) ORDER BY rowid LIMIT 1)
            """;
        command.Parameters.AddWithValue("$symbol", symbol);
        command.Parameters.AddWithValue("$from", ToUnixMs(from));
        command.Parameters.AddWithValue("$to", ToUnixMs(to));
        var result = new List<(DateTime, long)>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            result.Add((FromUnixMs(reader.GetInt64(0)), reader.GetInt64(1)));
        }
        return result;
    }

    /// <summary>The newest recorded timestamp of a symbol, or null when none is recorded.</summary>
    public static DateTime? LastTimestamp(SqliteConnection connection, string symbol)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT MAX(ts) FROM quotes WHERE symbol = $symbol";
        command.Parameters.AddWithValue("$symbol", symbol);
        return command.ExecuteScalar() is long ms ? FromUnixMs(ms) : null;
    }

    /// <summary>
    /// Deletes the recorder's quotes older than the cutoff, a slice at a time so the recorder never
    /// waits long. Imported quotes are kept whatever their age: someone brought them on purpose,
    /// and SPEC 8 forbids deleting them silently.
    /// </summary>
    public static long DeleteBefore(SqliteConnection connection, DateTime cutoff)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM quotes WHERE rowid IN (SELECT rowid FROM quotes WHERE ts < $cutoff AND imported = 0 LIMIT 10000)";
        command.Parameters.AddWithValue("$cutoff", ToUnixMs(cutoff));
        long total = 0;
        int deleted;
        while ((deleted = command.ExecuteNonQuery()) > 0)
        {
            total += deleted;
        }
        return total;
    }

    /// <summary>The newest recorded quote of a symbol (by time, then the last written), or null.</summary>
    public Quote? Latest(string symbol)
    {
        if (!File.Exists(Path))
        {
            return null;
        }
        using var connection = new SqliteConnection(ConnectionString(SqliteOpenMode.ReadOnly));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM quotes WHERE symbol = $symbol ORDER BY ts DESC, rowid DESC LIMIT 1";
        command.Parameters.AddWithValue("$symbol", symbol);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadQuote(reader, 0) : null;
    }

    /// <summary>
    /// The instruments recordings brought (the registry's history-only ones), by symbol; none when
    /// the database or its table does not exist yet (read-only: nothing is created by asking).
    /// </summary>
    public List<InstrumentOptions> ReadInstruments()
    {
        if (!File.Exists(Path))
        {
            return [];
        }
        using var connection = new SqliteConnection(ConnectionString(SqliteOpenMode.ReadOnly));
        connection.Open();
        using (var exists = connection.CreateCommand())
        {
            exists.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'instruments'";
            if ((long)exists.ExecuteScalar()! == 0)
            {
                return [];
            }
        }
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT symbol, name, currency, tick_size FROM instruments ORDER BY symbol";
        using var reader = command.ExecuteReader();
        var result = new List<InstrumentOptions>();
        while (reader.Read())
        {
            result.Add(new InstrumentOptions
            {
                Symbol = reader.GetString(0),
                Name = reader.GetString(1),
                Currency = reader.GetString(2),
                TickSize = decimal.Parse(reader.GetString(3), System.Globalization.CultureInfo.InvariantCulture),
            });
        }
        return result;
    }

    /// <summary>Adds instruments in the connection's open transaction (an import's, beside its quotes).</summary>
    public static void InsertInstruments(SqliteConnection connection, IEnumerable<InstrumentOptions> instruments)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO instruments (symbol, name, currency, tick_size) VALUES ($symbol, $name, $currency, $tick)";
        var symbol = command.Parameters.Add(new SqliteParameter { ParameterName = "$symbol" });
        var name = command.Parameters.Add(new SqliteParameter { ParameterName = "$name" });
        var currency = command.Parameters.Add(new SqliteParameter { ParameterName = "$currency" });
        var tick = command.Parameters.Add(new SqliteParameter { ParameterName = "$tick" });
        foreach (var instrument in instruments)
        {
            symbol.Value = instrument.Symbol;
            name.Value = instrument.Name;
            currency.Value = instrument.Currency;
            tick.Value = instrument.TickSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
            command.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// A symbol's recorded quotes with a sequence above <paramref name="after"/>, lowest first, at
    /// most <paramref name="limit"/>: what a client resuming after a disconnect missed (SPEC 11).
    /// One range scan of the (symbol, sequence) index.
    /// </summary>
    public List<Quote> ReadAfter(string symbol, long after, int limit)
    {
        var quotes = new List<Quote>();
        if (!File.Exists(Path) || limit <= 0)
        {
            return quotes;
        }
        using var connection = new SqliteConnection(ConnectionString(SqliteOpenMode.ReadOnly));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM quotes WHERE symbol = $symbol AND sequence > $after ORDER BY sequence LIMIT $limit";
        command.Parameters.AddWithValue("$symbol", symbol);
        command.Parameters.AddWithValue("$after", after);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            quotes.Add(ReadQuote(reader, 0));
        }
        return quotes;
    }

    /// <summary>The oldest and newest recorded timestamps, or null when nothing is recorded.</summary>
    public (DateTime First, DateTime Last)? Bounds()
    {
        if (!File.Exists(Path))
        {
            return null;
        }
        using var connection = new SqliteConnection(ConnectionString(SqliteOpenMode.ReadOnly));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT MIN(ts), MAX(ts) FROM quotes";
        using var reader = command.ExecuteReader();
        return reader.Read() && !reader.IsDBNull(0) ? (FromUnixMs(reader.GetInt64(0)), FromUnixMs(reader.GetInt64(1))) : null;
    }

    /// <summary>How many quotes are recorded (tests, tools).</summary>
    public long Count()
    {
        if (!File.Exists(Path))
        {
            return 0;
        }
        using var connection = new SqliteConnection(ConnectionString(SqliteOpenMode.ReadOnly));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM quotes";
        return (long)command.ExecuteScalar()!;
    }

    public static long ToUnixMs(DateTime timestamp) =>
        (timestamp.Kind == DateTimeKind.Local ? timestamp.ToUniversalTime() : timestamp).Ticks / TimeSpan.TicksPerMillisecond - DateTime.UnixEpoch.Ticks / TimeSpan.TicksPerMillisecond;

    public static DateTime FromUnixMs(long ms) => DateTime.UnixEpoch.AddMilliseconds(ms);

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
        command.CommandText = $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = $column";
        command.Parameters.AddWithValue("$column", column);
        return (long)command.ExecuteScalar()! > 0;
    }

    private static Quote ReadQuote(SqliteDataReader r, int o) => new()
    {
        Symbol = r.GetString(o),
        Timestamp = FromUnixMs(r.GetInt64(o + 1)),
        Sequence = r.GetInt64(o + 2),
        Name = r.GetString(o + 3),
        Last = r.GetDouble(o + 4),
        Change = r.GetDouble(o + 5),
        ChangePercent = r.GetDouble(o + 6),
        Open = r.GetDouble(o + 7),
        High = r.GetDouble(o + 8),
        Low = r.GetDouble(o + 9),
        PreviousClose = r.GetDouble(o + 10),
        Volume = r.GetInt64(o + 11),
        PreviousVolume = r.GetInt64(o + 12),
        Buy = r.GetDouble(o + 13),
        Sell = r.GetDouble(o + 14),
        Session = r.GetString(o + 15),
    };
}
