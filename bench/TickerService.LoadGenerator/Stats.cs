namespace TickerService.LoadGenerator;

/// <summary>
/// What the clients saw. Only the measured window counts; sequences are followed throughout, so a
/// gap that straddles the window's start still counts. Latency is arrival time minus the quote's
/// <c>timestamp</c>, in a fixed histogram of 100 µs buckets up to 10 s.
/// </summary>
public sealed class Stats
{
    private const int BucketMicros = 100;
    private const int Buckets = 100_000;
    private readonly long[] _histogram = new long[Buckets + 1];
    private long _maxMicros;
    private long _quotes;
    private long _messages;
    private long _lost;
    private long _bytes;

    /// <summary>0 before the window, 1 in it, 2 after.</summary>
    public volatile int Phase;

    // The worst latency in each second of the window, to see when a slow spell happened.
    private long[] _maxMicrosBySecond = [];
    private DateTime _windowStart;

    /// <summary>Opens the window: from now on, quotes count.</summary>
    public void Open(double seconds)
    {
        _maxMicrosBySecond = new long[(int)Math.Ceiling(seconds) + 1];
        _windowStart = DateTime.UtcNow;
        Phase = 1;
    }

    /// <summary>The worst latency per second of the window, in milliseconds.</summary>
    public double[] MaxMsBySecond() => [.. _maxMicrosBySecond.Select(m => Math.Round(m / 1000.0, 1))];

    // Deliveries per (symbol, sequence) from the window's first sequence on, so the delivery
    // ratio counts exactly the quotes published in the window, wherever their arrival falls.
    // Per symbol; a universe of thousands gets fewer each, 64 MB in all (a window sees far fewer per symbol).
    private int _sequenceCapacity = 1 << 16;
    private long[]? _firstSequence;
    private int[][] _bySequence = [];

    /// <summary>Starts counting deliveries of every sequence after <paramref name="before"/>.</summary>
    public void CountSequencesAfter(long[] before)
    {
        _sequenceCapacity = Math.Clamp((1 << 24) / Math.Max(1, before.Length), 1024, 1 << 16);
        _bySequence = [.. before.Select(_ => new int[_sequenceCapacity])];
        Volatile.Write(ref _firstSequence, before);
    }

    /// <summary>Deliveries of sequences in (before, after] per symbol, summed over the given symbols.</summary>
    public long DeliveredBetween(long[] after, IEnumerable<int> symbols)
    {
        var first = _firstSequence ?? throw new InvalidOperationException("No window was opened.");
        var total = 0L;
        foreach (var s in symbols)
        {
            var counts = _bySequence[s];
            for (var offset = 0L; offset < Math.Min(_sequenceCapacity, after[s] - first[s]); offset++)
            {
                total += Volatile.Read(ref counts[offset]);
            }
        }
        return total;
    }

    /// <summary>Sequences the stuck clients never got once they read again: what the server conflated (or dropped) for them.</summary>
    public long StuckSkipped;

    /// <summary>Quotes the stuck clients got once they read again.</summary>
    public long StuckReceived;

    /// <summary>Pings that did not go out within 5 s: a client whose send side is blocked.</summary>
    public long PingStalls;

    public long ConnectErrors;
    public long Disconnects;
    public long HubErrors;

    public long Quotes => Interlocked.Read(ref _quotes);
    public long Messages => Interlocked.Read(ref _messages);
    public long Lost => Interlocked.Read(ref _lost);
    public long Bytes => Interlocked.Read(ref _bytes);
    public long MaxMicros => Interlocked.Read(ref _maxMicros);

    public bool Measuring => Phase == 1;

    public void AddMessage(int bytes)
    {
        Interlocked.Increment(ref _messages);
        Interlocked.Add(ref _bytes, bytes);
    }

    /// <summary>One quote arrived. <paramref name="last"/> is the client's last sequence per symbol.</summary>
    public void AddQuote(long[] last, int symbol, long sequence, DateTime timestamp, DateTime now)
    {
        var measuring = Measuring;
        if (symbol >= 0 && Volatile.Read(ref _firstSequence) is { } first && sequence > first[symbol] && sequence - first[symbol] <= _sequenceCapacity)
        {
            Interlocked.Increment(ref _bySequence[symbol][sequence - first[symbol] - 1]);
        }
        if (symbol >= 0)
        {
            var previous = last[symbol];
            if (measuring && previous > 0 && sequence > previous + 1)
            {
                Interlocked.Add(ref _lost, sequence - previous - 1);
            }
            if (sequence > previous)
            {
                last[symbol] = sequence;
            }
        }
        if (!measuring)
        {
            return;
        }
        Interlocked.Increment(ref _quotes);
        var micros = Math.Max(0, (now - timestamp).Ticks / 10);
        Interlocked.Increment(ref _histogram[Math.Min(Buckets, micros / BucketMicros)]);
        var second = (int)((now - _windowStart).Ticks / TimeSpan.TicksPerSecond);
        var bySecond = _maxMicrosBySecond;
        if (second >= 0 && second < bySecond.Length)
        {
            long worst;
            while (micros > (worst = Interlocked.Read(ref bySecond[second])) && Interlocked.CompareExchange(ref bySecond[second], micros, worst) != worst)
            {
            }
        }
        long max;
        while (micros > (max = Interlocked.Read(ref _maxMicros)) && Interlocked.CompareExchange(ref _maxMicros, micros, max) != max)
        {
        }
    }

    /// <summary>A quote to a stuck client after it resumed: counted apart, never as a delivery.</summary>
    public void AddResumedQuote(long[] last, int symbol, long sequence)
    {
        Interlocked.Increment(ref StuckReceived);
        if (symbol < 0)
        {
            return;
        }
        if (last[symbol] > 0 && sequence > last[symbol] + 1)
        {
            Interlocked.Add(ref StuckSkipped, sequence - last[symbol] - 1);
        }
        last[symbol] = Math.Max(last[symbol], sequence);
    }

    /// <summary>The latency at quantile <paramref name="q"/> in milliseconds (upper edge of its bucket).</summary>
    public double PercentileMs(double q)
    {
        var total = 0L;
        foreach (var count in _histogram)
        {
            total += count;
        }
        if (total == 0)
        {
            return double.NaN;
        }
        var rank = (long)Math.Ceiling(q * total);
        var seen = 0L;
        for (var i = 0; i <= Buckets; i++)
        {
            seen += _histogram[i];
            if (seen >= rank)
            {
                return i == Buckets ? MaxMicros / 1000.0 : (i + 1) * BucketMicros / 1000.0;
            }
        }
        return MaxMicros / 1000.0;
    }
}
