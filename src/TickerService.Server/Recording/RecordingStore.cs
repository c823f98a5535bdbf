using System.Text;
using System.Data.Common;
using TickerService.Configuration;
using TickerService.Market;

namespace TickerService.Server.Recording;

/// <summary>
/// The recording: one row per quote, timestamps as Unix milliseconds, <c>imported</c> 1 for an
/// import's rows (retention spares them); an <c>instruments</c> table for the symbols recordings
/// brought. In SQLite by default (<see cref="SqliteEngine"/>), or in PostgreSQL shared by a cluster
/// (<see cref="PostgresEngine"/>); the queries here are one text for both.
/// </summary>
/// <remarks>
/// Rows are read in (ts, rowid) order, rowid being insertion order, so quotes of one tick come
/// back in the order they were published.
/// </remarks>
public sealed class RecordingStore(IRecordingEngine engine)
{
    public const int DefaultChunkSize = 1000;

    internal const string Columns =
        "symbol, ts, sequence, name, last, change, change_percent, open, high, low, previous_close, volume, previous_volume, buy, sell, session";

    internal const string InstrumentsSchema = """
        CREATE TABLE IF NOT EXISTS instruments (
            symbol TEXT NOT NULL PRIMARY KEY,
            name TEXT NOT NULL,
            currency TEXT NOT NULL,
            tick_size TEXT NOT NULL);
        """;

    private int _openReaders;

    /// <summary>A SQLite file's recording.</summary>
    public RecordingStore(string path)
        : this(new SqliteEngine(path))
    {
    }

    public IRecordingEngine Engine => engine;

    /// <summary>For logs and messages: the file, or PostgreSQL's host and database.</summary>
    public string Name => engine.Name;

    /// <summary>Range reads in progress: a replay or export that ended has released its reader.</summary>
    public int OpenReaders => Volatile.Read(ref _openReaders);

    /// <summary>Opens (creating if needed) a connection for writing, with the schema in place.</summary>
    public RecordingConnection OpenForWriting() => new(engine.OpenForWriting(), engine);

    /// <summary>
    /// Whether <paramref name="exception"/> (or one it wraps) says the database is unavailable just
    /// now (<see cref="IRecordingEngine.IsUnavailable"/>), not that a statement was wrong.
    /// </summary>
    public bool IsUnavailable(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is DbException db && engine.IsUnavailable(db))
            {
                return true;
            }
            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsUnavailable))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>A connection for reads, or null when nothing was ever recorded (no SQLite file; none is created by asking).</summary>
    public RecordingConnection? OpenForReading() => engine.Exists ? new(engine.OpenForReading(), engine) : null;

    /// <summary>Writes quotes in one transaction: all or none.</summary>
    public static void Insert(RecordingConnection connection, IEnumerable<Quote> quotes, bool ignoreDuplicates)
    {
        using var transaction = connection.BeginTransaction();
        InsertInTransaction(connection, quotes, ignoreDuplicates);
        transaction.Commit();
    }

    /// <summary>Writes quotes in the connection's open transaction (a check and its insert, as one).</summary>
    /// <param name="imported">
    /// Marks the rows as an import's: retention never deletes them (SPEC 8), only the recorder's own.
    /// </param>
    public static void InsertInTransaction(RecordingConnection connection, IEnumerable<Quote> quotes, bool ignoreDuplicates, bool imported = false) =>
        connection.Engine.Insert(connection.Db, quotes, ignoreDuplicates, imported);

    /// <summary>
    /// Recorded quotes from <paramref name="from"/> to <paramref name="to"/> (both inclusive), oldest
    /// first, read lazily a chunk at a time: each chunk is its own short query, so a long range never
    /// sits in memory and a paused replay holds no read transaction open (which would stop WAL
    /// checkpoints). Disposing the enumerator stops the read. <paramref name="symbols"/> null: all.
    /// </summary>
    public IEnumerable<Quote> Read(IReadOnlyCollection<string>? symbols, DateTime from, DateTime to, int chunkSize = DefaultChunkSize)
    {
        if (!engine.Exists || from > to)
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
                filter.AppendJoin(", ", symbols.Select((_, i) => $"@s{i}"));
                filter.Append(')');
            }
            while (true)
            {
                var chunk = new List<(long RowId, Quote Quote)>(chunkSize);
                using (var connection = engine.OpenForReading())
                {
                    using var command = connection.CreateCommand();
                    command.CommandText =
                        $"SELECT rowid, {Columns} FROM quotes WHERE (ts > @ts OR (ts = @ts AND rowid > @rowid)) AND ts <= @to{filter} " +
                        "ORDER BY ts, rowid LIMIT @limit";
                    command.Add("@ts", lastTs);
                    command.Add("@rowid", lastRowId);
                    command.Add("@to", toMs);
                    command.Add("@limit", chunkSize);
                    if (symbols is not null)
                    {
                        var i = 0;
                        foreach (var symbol in symbols)
                        {
                            command.Add($"@s{i++}", symbol);
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
    public static Dictionary<string, long> LastSequences(RecordingConnection connection, IEnumerable<string> symbols)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT MAX(sequence) FROM quotes WHERE symbol = @symbol";
        var parameter = command.Add("@symbol");
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
    public static List<(DateTime Timestamp, long Sequence)> Neighbours(RecordingConnection connection, string symbol, DateTime from, DateTime to)
    {
        using var command = connection.CreateCommand();
        // The part column keeps the three parts in order: UNION ALL alone promises no order.
        command.CommandText = """
            SELECT ts, sequence FROM (
                SELECT * FROM (SELECT 0 AS part, ts, sequence, rowid AS r FROM quotes
                    WHERE symbol = @symbol AND ts = (SELECT MAX(ts) FROM quotes WHERE symbol = @symbol AND ts < @from) ORDER BY rowid DESC LIMIT 1) AS earlier
                UNION ALL
                SELECT 1, ts, sequence, rowid FROM quotes WHERE symbol = @symbol AND ts >= @from AND ts <= @to
                UNION ALL
                SELECT * FROM (SELECT 2 AS part, ts, sequence, rowid AS r FROM quotes
                    WHERE symbol = @symbol AND ts = (SELECT MIN(ts) FROM quotes WHERE symbol = @symbol AND ts > @to) ORDER BY rowid LIMIT 1) AS later) AS n
            ORDER BY part, ts, r
            """;
        command.Add("@symbol", symbol);
        command.Add("@from", ToUnixMs(from));
        command.Add("@to", ToUnixMs(to));
        var result = new List<(DateTime, long)>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            result.Add((FromUnixMs(reader.GetInt64(0)), reader.GetInt64(1)));
        }
        return result;
    }

    /// <summary>The newest recorded timestamp of a symbol, or null when none is recorded.</summary>
    public static DateTime? LastTimestamp(RecordingConnection connection, string symbol)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT MAX(ts) FROM quotes WHERE symbol = @symbol";
        command.Add("@symbol", symbol);
        return command.ExecuteScalar() is long ms ? FromUnixMs(ms) : null;
    }

    /// <summary>
    /// Deletes the recorder's quotes older than the cutoff, a slice at a time so the recorder never
    /// waits long. Imported quotes are kept whatever their age: someone brought them on purpose,
    /// and SPEC 8 forbids deleting them silently.
    /// </summary>
    public static long DeleteBefore(RecordingConnection connection, DateTime cutoff)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM quotes WHERE rowid IN (SELECT rowid FROM quotes WHERE ts < @cutoff AND imported = 0 LIMIT 10000)";
        command.Add("@cutoff", ToUnixMs(cutoff));
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
        using var connection = OpenForReading();
        if (connection is null)
        {
            return null;
        }
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM quotes WHERE symbol = @symbol ORDER BY ts DESC, rowid DESC LIMIT 1";
        command.Add("@symbol", symbol);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadQuote(reader, 0) : null;
    }

    /// <summary>
    /// The instruments recordings brought (the registry's history-only ones), by symbol; none when
    /// the database or its table does not exist yet (read-only: nothing is created by asking).
    /// </summary>
    public List<InstrumentOptions> ReadInstruments()
    {
        using var connection = OpenForReading();
        if (connection is null || !engine.HasTable(connection.Db, "instruments"))
        {
            return [];
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

    /// <summary>
    /// Every symbol with recorded quotes, in order; none when nothing is recorded yet. One index
    /// probe per symbol (a recursive skip over the (symbol, ...) index), not a scan of the rows.
    /// </summary>
    public List<string> ReadRecordedSymbols()
    {
        using var connection = OpenForReading();
        if (connection is null || !engine.HasTable(connection.Db, "quotes"))
        {
            return [];
        }
        using var command = connection.CreateCommand();
        command.CommandText = """
            WITH RECURSIVE recorded(symbol) AS (
              SELECT MIN(symbol) FROM quotes
              UNION ALL
              SELECT (SELECT MIN(q.symbol) FROM quotes q WHERE q.symbol > recorded.symbol) FROM recorded WHERE recorded.symbol IS NOT NULL
            )
            SELECT symbol FROM recorded WHERE symbol IS NOT NULL
            """;
        using var reader = command.ExecuteReader();
        var symbols = new List<string>();
        while (reader.Read())
        {
            symbols.Add(reader.GetString(0));
        }
        return symbols;
    }

    /// <summary>Adds instruments in the connection's open transaction (an import's, beside its quotes).</summary>
    public static void InsertInstruments(RecordingConnection connection, IEnumerable<InstrumentOptions> instruments)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO instruments (symbol, name, currency, tick_size) VALUES (@symbol, @name, @currency, @tick)";
        var symbol = command.Add("@symbol");
        var name = command.Add("@name");
        var currency = command.Add("@currency");
        var tick = command.Add("@tick");
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
        if (limit <= 0)
        {
            return quotes;
        }
        using var connection = OpenForReading();
        if (connection is null)
        {
            return quotes;
        }
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM quotes WHERE symbol = @symbol AND sequence > @after ORDER BY sequence LIMIT @limit";
        command.Add("@symbol", symbol);
        command.Add("@after", after);
        command.Add("@limit", limit);
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
        using var connection = OpenForReading();
        if (connection is null)
        {
            return null;
        }
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT MIN(ts), MAX(ts) FROM quotes";
        using var reader = command.ExecuteReader();
        return reader.Read() && !reader.IsDBNull(0) ? (FromUnixMs(reader.GetInt64(0)), FromUnixMs(reader.GetInt64(1))) : null;
    }

    /// <summary>How many quotes are recorded (tests, tools).</summary>
    public long Count()
    {
        using var connection = OpenForReading();
        if (connection is null)
        {
            return 0;
        }
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM quotes";
        return (long)command.ExecuteScalar()!;
    }

    public static long ToUnixMs(DateTime timestamp) =>
        (timestamp.Kind == DateTimeKind.Local ? timestamp.ToUniversalTime() : timestamp).Ticks / TimeSpan.TicksPerMillisecond - DateTime.UnixEpoch.Ticks / TimeSpan.TicksPerMillisecond;

    public static DateTime FromUnixMs(long ms) => DateTime.UnixEpoch.AddMilliseconds(ms);

    internal static Quote ReadQuote(DbDataReader r, int o) => new()
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
