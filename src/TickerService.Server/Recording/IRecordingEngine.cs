using System.Data.Common;
using TickerService.Market;

namespace TickerService.Server.Recording;

/// <summary>
/// What differs between the recording's two databases, SQLite (a file of one node's own, the
/// default) and PostgreSQL (one store the cluster's nodes share): opening connections, the schema,
/// the bulk insert, and how a duplicate row is reported. Everything else, the queries of
/// <see cref="RecordingStore"/>, is one SQL text for both: parameters are <c>@name</c>, and the
/// insertion-order key is called <c>rowid</c> in both (SQLite's implicit one, PostgreSQL's identity column).
/// </summary>
public interface IRecordingEngine
{
    /// <summary>For logs and messages: the SQLite file, or PostgreSQL's host and database (never a password).</summary>
    string Name { get; }

    /// <summary>Whether the store may hold something: a SQLite file that does not exist holds nothing, and is not created by reading.</summary>
    bool Exists { get; }

    /// <summary>A connection for reads; the store must <see cref="Exists"/>.</summary>
    DbConnection OpenForReading();

    /// <summary>A connection for writes, the schema in place.</summary>
    DbConnection OpenForWriting();

    /// <summary>Writes rows in the connection's open transaction, the engine's fastest way.</summary>
    /// <param name="ignoreDuplicates">A quote already recorded is skipped instead of failing the whole write.</param>
    /// <param name="imported">Marks the rows as an import's: retention never deletes them (SPEC 8).</param>
    void Insert(DbConnection connection, IEnumerable<Quote> quotes, bool ignoreDuplicates, bool imported);

    /// <summary>Whether the store already holds a row with this key (the error <see cref="Insert"/> raises without ignoring duplicates).</summary>
    bool IsDuplicate(DbException exception);

    /// <summary>
    /// Whether the database could not be reached or could not do the work just now (down, unreachable,
    /// locked, out of space), rather than refusing the statement: the caller is told to try again later.
    /// </summary>
    bool IsUnavailable(DbException exception);

    /// <summary>
    /// Makes imports wait for each other until the connection's transaction ends: an import's check
    /// and its insert must see no other import between them, from any node sharing the store.
    /// </summary>
    void LockImports(DbConnection connection);

    /// <summary>Whether a table exists (a SQLite file made by an older version may lack one).</summary>
    bool HasTable(DbConnection connection, string table);
}
