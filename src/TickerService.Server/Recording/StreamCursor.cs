namespace TickerService.Server.Recording;

/// <summary>
/// The id of the last quote-bus entry (a Redis stream id, <c>ms-seq</c>) the shared recording
/// holds, one row per stream, moved in the same transaction as the quotes it covers: the rows and
/// the cursor commit together or not at all, so whoever records next starts exactly after what is
/// recorded (PostgreSQL only; a cluster on SQLite records on every node).
/// </summary>
public static class StreamCursor
{
    public const string Schema = """
        CREATE TABLE IF NOT EXISTS recording_cursor (
            stream text PRIMARY KEY,
            entry_ms bigint NOT NULL,
            entry_seq bigint NOT NULL);
        """;

    /// <summary>
    /// Locks the stream's cursor row until the transaction ends and returns it; <c>0-0</c> when
    /// nothing of the stream is recorded yet (everything it holds is then recorded). A second
    /// writer waits here and then sees the first one's cursor: two nodes that both believe they
    /// lead (one paused past its lease) never record an entry twice.
    /// </summary>
    public static (long Ms, long Seq) Lock(RecordingConnection connection, string stream)
    {
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "INSERT INTO recording_cursor (stream, entry_ms, entry_seq) VALUES (@stream, 0, 0) ON CONFLICT DO NOTHING";
            create.Add("@stream", stream);
            create.ExecuteNonQuery();
        }
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT entry_ms, entry_seq FROM recording_cursor WHERE stream = @stream FOR UPDATE";
        command.Add("@stream", stream);
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>The stream's cursor without locking it (tests, tools); null when nothing was recorded from it.</summary>
    public static string? Read(RecordingConnection connection, string stream)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT entry_ms, entry_seq FROM recording_cursor WHERE stream = @stream";
        command.Add("@stream", stream);
        using var reader = command.ExecuteReader();
        return reader.Read() ? $"{reader.GetInt64(0)}-{reader.GetInt64(1)}" : null;
    }

    /// <summary>Moves the locked cursor to an entry id (<c>ms-seq</c>).</summary>
    public static void Move(RecordingConnection connection, string stream, string id)
    {
        var (ms, seq) = Parse(id);
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE recording_cursor SET entry_ms = @ms, entry_seq = @seq WHERE stream = @stream";
        command.Add("@stream", stream);
        command.Add("@ms", ms);
        command.Add("@seq", seq);
        command.ExecuteNonQuery();
    }

    public static (long Ms, long Seq) Parse(string id)
    {
        var dash = id.IndexOf('-', StringComparison.Ordinal);
        return (long.Parse(id.AsSpan(0, dash), System.Globalization.CultureInfo.InvariantCulture),
            long.Parse(id.AsSpan(dash + 1), System.Globalization.CultureInfo.InvariantCulture));
    }
}
