namespace TickerService.Server.Hub;

/// <summary>What the broadcaster did since start: for tests, health and metrics.</summary>
public sealed class BroadcastCounters
{
    private long _batches;
    private long _messages;
    private long _delivered;
    private long _conflated;
    private long _serialized;

    /// <summary>Ticks fanned out.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Distinct serialized messages built (one per subscriber group per tick).</summary>
    public long Messages => Interlocked.Read(ref _messages);

    /// <summary>Quotes handed to connections (a quote to ten connections counts ten).</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Quotes serialized by the fan-out: one per quote per wire format in use, however many connections get it.</summary>
    public long Serialized => Interlocked.Read(ref _serialized);

    /// <summary>Quotes a slow connection never saw because a newer one of the same symbol replaced it.</summary>
    public long Conflated => Interlocked.Read(ref _conflated);

    internal void AddBatch() => Interlocked.Increment(ref _batches);

    internal void AddMessage() => Interlocked.Increment(ref _messages);

    internal void AddDelivered(long count) => Interlocked.Add(ref _delivered, count);

    internal void AddSerialized(long count) => Interlocked.Add(ref _serialized, count);

    internal void AddConflated(long count) => Interlocked.Add(ref _conflated, count);
}
