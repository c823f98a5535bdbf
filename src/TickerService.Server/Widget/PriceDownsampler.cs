namespace TickerService.Server.Widget;

/// <summary>
/// Bounds a session of prices to a few points for a sparkline, keeping its shape. Points go into
/// buckets of equal count; each bucket keeps its lowest and highest price in time order, so a
/// spike survives however long the session. When the buckets run out, neighbours merge in pairs
/// and buckets hold twice as many points: memory is the buckets, never the session. The newest
/// point is always kept, so the line ends at the price on show. (The widget bounds its live points
/// the same way.)
/// </summary>
public sealed class PriceDownsampler
{
    private readonly List<Bucket> _buckets;
    private readonly int _capacity;
    private int _perBucket = 2; // two points a bucket lose nothing: both are its min and max
    private (long Time, double Price)? _newest;

    /// <param name="maxPoints">At most this many points come out (at least 3).</param>
    public PriceDownsampler(int maxPoints)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPoints, 3);
        _capacity = (maxPoints - 1) / 2; // one point is kept back for the newest
        _buckets = new List<Bucket>(_capacity + 1);
    }

    /// <summary>Adds a point; points come oldest first.</summary>
    public void Add(long time, double price)
    {
        var point = (time, price);
        _newest = point;
        if (_buckets.Count > 0 && _buckets[^1].Count < _perBucket)
        {
            _buckets[^1] = _buckets[^1].With(point);
            return;
        }
        _buckets.Add(new Bucket(1, point, point));
        if (_buckets.Count > _capacity)
        {
            for (var i = 0; i < _buckets.Count / 2; i++)
            {
                _buckets[i] = _buckets[2 * i].Merge(_buckets[2 * i + 1]);
            }
            var odd = _buckets.Count % 2 == 1 ? _buckets[^1] : (Bucket?)null;
            _buckets.RemoveRange(_buckets.Count / 2, _buckets.Count - _buckets.Count / 2);
            if (odd is { } last)
            {
                _buckets.Add(last);
            }
            _perBucket *= 2;
        }
    }

    /// <summary>The kept points, oldest first, each <c>[time, price]</c>.</summary>
    public double[][] Points()
    {
        var points = new List<double[]>(_buckets.Count * 2 + 1);
        foreach (var bucket in _buckets)
        {
            var (first, second) = bucket.Min.Time <= bucket.Max.Time ? (bucket.Min, bucket.Max) : (bucket.Max, bucket.Min);
            points.Add([first.Time, first.Price]);
            if (second != first)
            {
                points.Add([second.Time, second.Price]);
            }
        }
        if (_newest is { } newest && (points.Count == 0 || points[^1][0] != newest.Time || points[^1][1] != newest.Price))
        {
            points.Add([newest.Time, newest.Price]);
        }
        return [.. points];
    }

    private readonly record struct Bucket(int Count, (long Time, double Price) Min, (long Time, double Price) Max)
    {
        public Bucket With((long Time, double Price) point) => new(
            Count + 1,
            point.Price < Min.Price ? point : Min,
            point.Price >= Max.Price ? point : Max); // on a tie, min the first and max the last: a flat run keeps its ends

        public Bucket Merge(Bucket next) => new(
            Count + next.Count,
            next.Min.Price < Min.Price ? next.Min : Min,
            next.Max.Price >= Max.Price ? next.Max : Max);
    }
}
