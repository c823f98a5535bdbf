namespace TickerService.Server.Plain;

/// <summary>
/// The way out to one plain client: one message at a time whoever sends it (the fan-out, the
/// answer to a request, a heartbeat), since neither a WebSocket nor a response body takes two
/// writes at once. A fan-out write that finds the channel busy simply stays in flight, and the
/// outbox conflates behind it. Remembers when it last wrote, for heartbeats after silence.
/// </summary>
internal abstract class PlainChannel(TimeProvider time, CancellationToken aborted)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _lastSent = time.GetTimestamp();

    protected CancellationToken Aborted => aborted;

    /// <summary>One JSON message, framed for this channel.</summary>
    public ValueTask SendAsync(ReadOnlyMemory<byte> json) => ExclusiveAsync(() => WriteAsync(json));

    /// <summary>
    /// Runs <paramref name="action"/> with the channel to itself: what it writes (a subscription's
    /// snapshot, say) goes out before any fan-out message that arrives meanwhile.
    /// </summary>
    public async ValueTask ExclusiveAsync(Func<ValueTask> action)
    {
        await _gate.WaitAsync(aborted).ConfigureAwait(false);
        try
        {
            await action().ConfigureAwait(false);
            Volatile.Write(ref _lastSent, time.GetTimestamp());
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Writes one JSON message; only inside <see cref="ExclusiveAsync"/>.</summary>
    public ValueTask WriteUnlockedAsync(ReadOnlyMemory<byte> json) => WriteAsync(json);

    /// <summary>Sends a heartbeat whenever <paramref name="interval"/> passes without another message, until the client goes.</summary>
    public async Task KeepAliveAsync(TimeSpan interval)
    {
        try
        {
            while (!aborted.IsCancellationRequested)
            {
                var quiet = time.GetElapsedTime(Volatile.Read(ref _lastSent));
                if (quiet < interval)
                {
                    await Task.Delay(interval - quiet, time, aborted).ConfigureAwait(false);
                    continue;
                }
                await _gate.WaitAsync(aborted).ConfigureAwait(false);
                try
                {
                    await WriteHeartbeatAsync(time.GetUtcNow().UtcDateTime).ConfigureAwait(false);
                    Volatile.Write(ref _lastSent, time.GetTimestamp());
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        catch (Exception)
        {
            // The client went (cancelled, or the write failed): its endpoint unregisters it.
        }
    }

    protected abstract ValueTask WriteAsync(ReadOnlyMemory<byte> json);

    protected abstract ValueTask WriteHeartbeatAsync(DateTime at);
}
