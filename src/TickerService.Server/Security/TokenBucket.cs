namespace TickerService.Server.Security;

/// <summary>
/// A token bucket: up to <paramref name="capacity"/> takes at once, then one more each
/// <paramref name="refillEvery"/>. On the clock it is given, so tests run it in fake time.
/// </summary>
public sealed class TokenBucket(int capacity, TimeSpan refillEvery, TimeProvider time)
{
    private readonly Lock _gate = new();
    private double _tokens = capacity;
    private long _refilledAt = time.GetTimestamp();

    public bool TryTake()
    {
        lock (_gate)
        {
            var now = time.GetTimestamp();
            _tokens = Math.Min(capacity, _tokens + (time.GetElapsedTime(_refilledAt, now) / refillEvery));
            _refilledAt = now;
            if (_tokens < 1)
            {
                return false;
            }
            _tokens--;
            return true;
        }
    }
}
