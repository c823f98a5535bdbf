using System.Reactive.Concurrency;
using System.Threading.Channels;
using TickerService.Configuration;
using TickerService.Market;
using TickerService.Server.Replay;

namespace TickerService.Tests.Replay;

/// <summary>Pacing and control of one replay, in virtual time: no sleeps, exact times.</summary>
public sealed class ReplaySessionTests
{
    internal static readonly DateTime Start = new(2020, 1, 6, 14, 0, 0, DateTimeKind.Utc);

    // XOM recorded at 0, 250, 500 and 1000 ms.
    internal static readonly Quote[] Recorded = Record(0, 250, 500, 1000);

    private readonly HistoricalScheduler _clock = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly Channel<Quote> _output = Channel.CreateUnbounded<Quote>();
    private readonly List<Quote> _played = [];
    private int _openReaders;

    [Theory]
    [InlineData(1.0)]
    [InlineData(10.0)]
    public void PlaysAtTheRecordedGapsDividedByTheSpeed(double speed)
    {
        using var replay = Replay(speed);

        foreach (var (gapMs, expected) in new[] { (0, 1), (250, 2), (250, 3), (500, 4) })
        {
            if (gapMs > 0)
            {
                Advance(TimeSpan.FromMilliseconds(gapMs / speed) - TimeSpan.FromTicks(1));
                Assert.Equal(expected - 1, Played().Count);
            }
            Advance(gapMs > 0 ? TimeSpan.FromTicks(1) : TimeSpan.Zero);
            Assert.Equal(expected, Played().Count);
        }
        Assert.Equal(Recorded, _played);
        Assert.True(_output.Reader.Completion.IsCompleted);
        Assert.Equal(0, _openReaders);
    }

    [Fact]
    public void SpeedZeroPlaysEverythingAtOnce()
    {
        using var replay = Replay(0);

        Advance(TimeSpan.Zero);

        Assert.Equal(Recorded, Played());
        Assert.True(_output.Reader.Completion.IsCompleted);
    }

    [Fact]
    public void PauseHoldsTheReplayAndResumeKeepsTheRemainingGap()
    {
        using var replay = Replay(1);
        Advance(TimeSpan.FromMilliseconds(100));
        Assert.Single(Played());

        replay.Pause();
        Advance(TimeSpan.FromHours(1));
        Assert.Single(Played());

        replay.Resume();
        Advance(TimeSpan.FromMilliseconds(149));
        Assert.Single(Played());
        Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(Recorded[..2], Played());
    }

    [Fact]
    public void SeekPlaysOnFromTheGivenTime()
    {
        using var replay = Replay(1);
        Advance(TimeSpan.Zero);
        Assert.Equal(Recorded[..1], Played());

        replay.Seek(Recorded[2].Timestamp);
        Advance(TimeSpan.Zero);
        Assert.Equal(Recorded[..1].Append(Recorded[2]), Played());

        Advance(TimeSpan.FromMilliseconds(499));
        Assert.Equal(2, Played().Count);
        Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(Recorded[..1].Concat(Recorded[2..]), Played());
        // The enumerator read before the seek was let go.
        Assert.Equal(0, _openReaders);
    }

    [Fact]
    public void SeekWhilePausedWaitsForResume()
    {
        using var replay = Replay(1);
        Advance(TimeSpan.Zero);
        replay.Pause();
        replay.Seek(Recorded[3].Timestamp);
        Advance(TimeSpan.FromSeconds(10));
        Assert.Single(Played());

        replay.Resume();
        Advance(TimeSpan.Zero);
        Assert.Equal([Recorded[0], Recorded[3]], Played());
    }

    [Fact]
    public void ASpeedChangeAppliesToWhatRemainsOfTheGap()
    {
        using var replay = Replay(1);
        Advance(TimeSpan.FromMilliseconds(100));

        // 150 ms of the 250 ms gap remain; at speed 10 they take 15 ms.
        replay.SetSpeed(10);
        Advance(TimeSpan.FromMilliseconds(14));
        Assert.Single(Played());
        Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(2, Played().Count);

        replay.SetSpeed(0);
        Advance(TimeSpan.Zero);
        Assert.Equal(Recorded, Played());
    }

    [Fact]
    public void EndingTheReplayReleasesTheReaderAndCompletesTheStream()
    {
        var replay = Replay(1);
        Advance(TimeSpan.Zero);
        Assert.Equal(1, _openReaders);

        replay.Dispose();
        Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(0, _openReaders);
        Assert.Single(Played());
        Assert.True(_output.Reader.Completion.IsCompleted);
    }

    [Fact]
    public void AnEmptyRangeCompletesAtOnce()
    {
        using var replay = new ReplaySession(_ => [], Start, Start, 1, _clock, _output.Writer);
        replay.Start();
        Advance(TimeSpan.Zero);

        Assert.True(_output.Reader.Completion.IsCompleted);
        Assert.Empty(Played());
    }

    private ReplaySession Replay(double speed)
    {
        var session = new ReplaySession(Read, Start, Start.AddHours(1), speed, _clock, _output.Writer);
        session.Start();
        return session;
    }

    private IEnumerable<Quote> Read(DateTime at)
    {
        Interlocked.Increment(ref _openReaders);
        try
        {
            foreach (var quote in Recorded.Where(q => q.Timestamp >= at))
            {
                yield return quote;
            }
        }
        finally
        {
            Interlocked.Decrement(ref _openReaders);
        }
    }

    private void Advance(TimeSpan by) => _clock.AdvanceBy(by);

    private List<Quote> Played()
    {
        while (_output.Reader.TryRead(out var quote))
        {
            _played.Add(quote);
        }
        return _played;
    }

    internal static Quote[] Record(params int[] offsetsMs)
    {
        var catalog = new InstrumentCatalog(new TickerOptions().EffectiveInstruments);
        var simulator = new MarketSimulator(catalog, TimeSpan.FromMilliseconds(250), 7);
        return [.. offsetsMs.Select(ms => simulator.Tick(Start.AddMilliseconds(ms)).First(q => q.Symbol == "XOM"))];
    }
}
