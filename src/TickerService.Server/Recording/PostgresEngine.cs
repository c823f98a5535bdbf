using System.Data.Common;
using Npgsql;
using NpgsqlTypes;
using TickerService.Market;

namespace TickerService.Server.Recording;

/// <summary>
/// The recording in PostgreSQL, one store every node of a cluster reads (history, export, replay,
/// resume) and the leader writes (<see cref="StreamCursor"/>).
/// </summary>
/// <remarks>
/// <para>The same columns as SQLite's, with <c>rowid</c> an identity column (insertion order, so
/// quotes of one instant come back in publishing order). The unique key is (symbol, sequence):
/// every quote of a symbol has its own sequence, so a quote written twice, by a leader that
/// retried or by two leaders across a failover, is one row (inserts say ON CONFLICT DO NOTHING).
/// It is also the index for a symbol's highest sequence and for resume. (symbol, ts, rowid) serves
/// one symbol's range, (ts, rowid) every symbol's.</para>
/// <para>Schema creation takes an advisory lock: nodes starting together would otherwise race on
/// CREATE TABLE IF NOT EXISTS, which is not safe against itself in PostgreSQL.</para>
/// <para>Bulk writes: an import goes by binary COPY (the fastest way in); the recorder's batches by
/// one INSERT ... SELECT FROM unnest(arrays), since COPY cannot skip a duplicate.</para>
/// </remarks>
public sealed class PostgresEngine : IRecordingEngine
{
    private const string Schema = $"""
        CREATE TABLE IF NOT EXISTS quotes (
            rowid bigint GENERATED ALWAYS AS IDENTITY,
            symbol text NOT NULL,
            ts bigint NOT NULL,
            sequence bigint NOT NULL,
            name text NOT NULL,
            last double precision NOT NULL,
            change double precision NOT NULL,
            change_percent double precision NOT NULL,
            open double precision NOT NULL,
            high double precision NOT NULL,
            low double precision NOT NULL,
            previous_close double precision NOT NULL,
            volume bigint NOT NULL,
            previous_volume bigint NOT NULL,
            buy double precision NOT NULL,
            sell double precision NOT NULL,
            session text NOT NULL,
            imported integer NOT NULL DEFAULT 0,
            CONSTRAINT quotes_symbol_sequence UNIQUE (symbol, sequence));
        CREATE INDEX IF NOT EXISTS quotes_symbol_ts ON quotes (symbol, ts, rowid);
        CREATE INDEX IF NOT EXISTS quotes_ts ON quotes (ts, rowid);
        {RecordingStore.InstrumentsSchema}
        {StreamCursor.Schema}
        """;

    // Any number: the lock that serializes schema creation among nodes.
    private const long SchemaLock = 0x7469636B6572;
    private const long ImportLock = SchemaLock + 1;

    private readonly string _connectionString;
    private readonly Lock _gate = new();
    private volatile bool _schemaReady;

    public PostgresEngine(string connectionString)
    {
        _connectionString = connectionString;
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        Name = $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}";
    }

    public string Name { get; }

    // The schema is created on first use by any node: a follower may be asked before any write.
    public bool Exists => true;

    public DbConnection OpenForReading() => Open();

    public DbConnection OpenForWriting() => Open();

    public void Insert(DbConnection connection, IEnumerable<Quote> quotes, bool ignoreDuplicates, bool imported)
    {
        var npgsql = (NpgsqlConnection)connection;
        if (ignoreDuplicates)
        {
            InsertIgnoring(npgsql, quotes as IReadOnlyList<Quote> ?? [.. quotes], imported);
        }
        else
        {
            Copy(npgsql, quotes, imported);
        }
    }

    public bool IsDuplicate(DbException exception) => exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    // Npgsql's own judgement (a broken or refused connection, a timeout, a server out of connections
    // or resources), and the server shutting down under a query (class 57P).
    public bool IsUnavailable(DbException exception) =>
        exception is NpgsqlException { IsTransient: true } || exception is PostgresException { SqlState: ['5', '7', 'P', ..] };

    public void LockImports(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT pg_advisory_xact_lock({ImportLock})";
        command.ExecuteNonQuery();
    }

    public bool HasTable(DbConnection connection, string table) => true;

    private NpgsqlConnection Open()
    {
        // Npgsql's pool for the connection string, as SQLite's: it outlives the service provider,
        // so the recorder's last flush at shutdown never meets a disposed data source.
        var connection = new NpgsqlConnection(_connectionString);
        try
        {
            connection.Open();
            EnsureSchema(connection);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private void EnsureSchema(NpgsqlConnection connection)
    {
        if (_schemaReady)
        {
            return;
        }
        lock (_gate)
        {
            if (_schemaReady)
            {
                return;
            }
            using var transaction = connection.BeginTransaction();
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT pg_advisory_xact_lock({SchemaLock}); {Schema}";
            command.ExecuteNonQuery();
            transaction.Commit();
            _schemaReady = true;
        }
    }

    private static void Copy(NpgsqlConnection connection, IEnumerable<Quote> quotes, bool imported)
    {
        using var writer = connection.BeginBinaryImport($"COPY quotes ({RecordingStore.Columns}, imported) FROM STDIN (FORMAT BINARY)");
        foreach (var q in quotes)
        {
            writer.StartRow();
            writer.Write(q.Symbol, NpgsqlDbType.Text);
            writer.Write(RecordingStore.ToUnixMs(q.Timestamp), NpgsqlDbType.Bigint);
            writer.Write(q.Sequence, NpgsqlDbType.Bigint);
            writer.Write(q.Name, NpgsqlDbType.Text);
            writer.Write(q.Last, NpgsqlDbType.Double);
            writer.Write(q.Change, NpgsqlDbType.Double);
            writer.Write(q.ChangePercent, NpgsqlDbType.Double);
            writer.Write(q.Open, NpgsqlDbType.Double);
            writer.Write(q.High, NpgsqlDbType.Double);
            writer.Write(q.Low, NpgsqlDbType.Double);
            writer.Write(q.PreviousClose, NpgsqlDbType.Double);
            writer.Write(q.Volume, NpgsqlDbType.Bigint);
            writer.Write(q.PreviousVolume, NpgsqlDbType.Bigint);
            writer.Write(q.Buy, NpgsqlDbType.Double);
            writer.Write(q.Sell, NpgsqlDbType.Double);
            writer.Write(q.Session, NpgsqlDbType.Text);
            writer.Write(imported ? 1 : 0, NpgsqlDbType.Integer);
        }
        writer.Complete();
    }

    // One statement, one round trip, for a whole batch: each column an array parameter.
    private static void InsertIgnoring(NpgsqlConnection connection, IReadOnlyList<Quote> quotes, bool imported)
    {
        if (quotes.Count == 0)
        {
            return;
        }
        using var command = connection.CreateCommand();
        command.CommandText =
            $"INSERT INTO quotes ({RecordingStore.Columns}, imported) " +
            "SELECT u.*, @imported FROM unnest(@symbol, @ts, @sequence, @name, @last, @change, @change_percent, @open, @high, @low, " +
            "@previous_close, @volume, @previous_volume, @buy, @sell, @session) AS u " +
            "ON CONFLICT DO NOTHING";
        command.Parameters.AddWithValue("imported", imported ? 1 : 0);
        Column(command, "symbol", quotes, q => q.Symbol);
        Column(command, "ts", quotes, q => RecordingStore.ToUnixMs(q.Timestamp));
        Column(command, "sequence", quotes, q => q.Sequence);
        Column(command, "name", quotes, q => q.Name);
        Column(command, "last", quotes, q => q.Last);
        Column(command, "change", quotes, q => q.Change);
        Column(command, "change_percent", quotes, q => q.ChangePercent);
        Column(command, "open", quotes, q => q.Open);
        Column(command, "high", quotes, q => q.High);
        Column(command, "low", quotes, q => q.Low);
        Column(command, "previous_close", quotes, q => q.PreviousClose);
        Column(command, "volume", quotes, q => q.Volume);
        Column(command, "previous_volume", quotes, q => q.PreviousVolume);
        Column(command, "buy", quotes, q => q.Buy);
        Column(command, "sell", quotes, q => q.Sell);
        Column(command, "session", quotes, q => q.Session);
        command.ExecuteNonQuery();
    }

    private static void Column<T>(NpgsqlCommand command, string name, IReadOnlyList<Quote> quotes, Func<Quote, T> value)
    {
        var values = new T[quotes.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = value(quotes[i]);
        }
        command.Parameters.Add(new NpgsqlParameter<T[]>(name, values));
    }
}
