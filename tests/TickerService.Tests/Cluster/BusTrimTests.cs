using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using TickerService.Server.Cluster;
using TickerService.Server.Recording;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Cluster;

/// <summary>
/// The quote bus is capped: entries Redis trims before the leader recorded them are a hole in the
/// shared recording that nothing can fill. The leader's recorder tells it once, naming the entries
/// (a real redis-server, a real PostgreSQL; the stream written and trimmed by hand, exactly).
/// </summary>
public sealed class BusTrimTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    [SkippableFact]
    public async Task EntriesTrimmedBeforeTheyWereRecordedAreToldOnceAsAGapAndTrimmingRecordedOnesIsNot()
    {
        await using var redis = await RedisServer.StartAsync();
        using var connections = new BusConnections(redis.ConnectionString);
        var keys = new ClusterKeys("trim:");
        var logs = new CapturedLogs();
        using var logging = LoggerFactory.Create(builder => builder.AddProvider(logs));
        var recorder = new BusRecorder(connections, keys, new ClusterState("a", clustered: true), logging.CreateLogger<BusRecorder>());
        var store = new RecordingStore(new PostgresEngine(postgres.CreateDatabase()));
        using var connection = store.OpenForWriting();
        var bus = connections.Commands.GetDatabase();
        var stream = (string)keys.Quotes!;

        // Nothing published yet; then ten entries recorded (none carries quotes: the cursor passes them).
        Assert.Equal((0, false), recorder.RecordNext(connection));
        var ids = Publish(bus, keys, 10);
        RecordAll(recorder, connection);
        Assert.Equal(ids[^1], StreamCursor.Read(connection, stream));
        Assert.Empty(Told(logs));

        // 300 more while the store is not written, and the stream cut to its newest 100: entries
        // 11 to 210 are gone unrecorded.
        ids = Publish(bus, keys, 300);
        bus.StreamTrim(keys.Quotes, 100, useApproximateMaxLength: false);
        var cursor = StreamCursor.Read(connection, stream);
        RecordAll(recorder, connection);
        var told = Assert.Single(Told(logs));
        Assert.Contains($"it now starts at {ids[200]}, after the last entry recorded, {cursor}.", told.Message);
        Assert.Equal(ids[^1], StreamCursor.Read(connection, stream));
        RecordAll(recorder, connection);
        Assert.Single(Told(logs));

        // Trimming what was recorded already is the cap working, not a gap.
        ids = Publish(bus, keys, 50);
        RecordAll(recorder, connection);
        bus.StreamTrim(keys.Quotes, 10, useApproximateMaxLength: false);
        RecordAll(recorder, connection);
        Assert.Single(Told(logs));
        Assert.Equal(ids[^1], StreamCursor.Read(connection, stream));

        // Trimmed up to the cursor's own entry, the next one kept: its id (the same millisecond,
        // the next number) leaves no room for a lost entry between them.
        var (ms, seq) = StreamCursor.Parse(ids[^1]);
        var next = (string)bus.StreamAdd(keys.Quotes, "n", 0, messageId: $"{ms}-{seq + 1}")!;
        ids = [next, .. Publish(bus, keys, 5)];
        bus.StreamTrim(keys.Quotes, 6, useApproximateMaxLength: false);
        RecordAll(recorder, connection);
        Assert.Single(Told(logs));
        Assert.Equal(ids[^1], StreamCursor.Read(connection, stream));
    }

    // Entries without quote fields: what the recorder does with them is only to move its cursor.
    private static List<string> Publish(IDatabase bus, ClusterKeys keys, int count) =>
        [.. Enumerable.Range(0, count).Select(i => (string)bus.StreamAdd(keys.Quotes, "n", i)!)];

    private static void RecordAll(BusRecorder recorder, RecordingConnection connection)
    {
        while (recorder.RecordNext(connection).More)
        {
        }
    }

    private static List<LogEntry> Told(CapturedLogs logs) =>
        [.. logs.Entries.Where(e => e.Level == LogLevel.Warning && e.Message.Contains("trimmed past the recording", StringComparison.Ordinal))];
}
