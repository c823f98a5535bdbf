namespace TickerService.Server.Recording;

/// <summary>
/// A cluster's recording in a store all nodes share (PostgreSQL): only the leader writes, from the
/// quote bus, so each quote is recorded once whichever node delivered it. Without one (a single
/// node, or a cluster on SQLite) the <see cref="QuoteRecorder"/> writes what its own feed publishes.
/// </summary>
public interface ISharedRecording
{
    /// <summary>Whether this node leads, and so records.</summary>
    bool Leading { get; }

    /// <summary>
    /// Records the bus entries after the store's cursor, a page of them, in one transaction with
    /// the cursor. Returns the quotes written and whether more entries wait.
    /// </summary>
    /// <exception cref="IOException">The bus could not be read (nothing was written).</exception>
    (int Quotes, bool More) RecordNext(RecordingConnection connection);
}
