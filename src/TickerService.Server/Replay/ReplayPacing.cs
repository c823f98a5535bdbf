using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using TickerService.Market;

namespace TickerService.Server.Replay;

/// <summary>
/// The pace of the replayed feed: by recorded time (<see cref="Speed"/>, a multiplier) or, when
/// <see cref="InstantsPerSecond"/> is above 0, one recorded instant (a distinct timestamp) every
/// 1/<see cref="InstantsPerSecond"/> seconds whatever the gap: daily bars play evenly, a weekend
/// no longer than a weeknight, and a decade takes a known time (2,520 trading days at 42 a second:
/// one minute) with no speed large enough to overflow time arithmetic.
/// </summary>
public readonly record struct ReplayPace(double Speed, double InstantsPerSecond)
{
    // Past this an instant is never due in practice; it also keeps due times inside DateTimeOffset.
    private static readonly TimeSpan Never = TimeSpan.FromDays(365 * 100);

    /// <summary>When the instant <paramref name="index"/> of a pass, recorded at <paramref name="at"/>, is due after the pass's start.</summary>
    public TimeSpan Offset(DateTime first, DateTime at, long index)
    {
        var seconds = InstantsPerSecond > 0 ? index / InstantsPerSecond
            : Speed > 0 ? (at - first).TotalSeconds / Speed
            : 0;
        return seconds >= Never.TotalSeconds ? Never : TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
    }
}

public static class ReplayPacing
{
    /// <summary>Time-ordered quotes as instants: each array holds the quotes of one recorded timestamp, in order.</summary>
    public static IEnumerable<Quote[]> Instants(IEnumerable<Quote> quotes)
    {
        var instant = new List<Quote>();
        foreach (var quote in quotes)
        {
            if (instant.Count > 0 && instant[0].Timestamp != quote.Timestamp)
            {
                yield return [.. instant];
                instant.Clear();
            }
            instant.Add(quote);
        }
        if (instant.Count > 0)
        {
            yield return [.. instant];
        }
    }

    /// <summary>
    /// Plays instants on the scheduler, each at the pass's start plus its <see cref="ReplayPace.Offset"/>
    /// (absolute times, so waits do not add up into drift): the first as soon as the scheduler runs.
    /// Every step is an action on <paramref name="scheduler"/>, so tests drive it in virtual time.
    /// Instants are read lazily, one ahead; ending the subscription releases the reader.
    /// </summary>
    public static IObservable<Quote[]> Paced(IEnumerable<Quote[]> instants, ReplayPace pace, IScheduler scheduler) =>
        Observable.Create<Quote[]>(observer =>
        {
            // One step at a time, and never after disposal: a step and the disposal share the reader.
            var gate = new Lock();
            var reader = instants.GetEnumerator();
            var timer = new SerialDisposable();
            var ended = false;
            var start = scheduler.Now;
            DateTime first = default;
            long index = 0;

            void Step()
            {
                lock (gate)
                {
                    if (ended)
                    {
                        return;
                    }
                    try
                    {
                        // OnNext before the next step is scheduled: steps never overlap.
                        observer.OnNext(reader.Current);
                        if (!reader.MoveNext())
                        {
                            ended = true;
                            observer.OnCompleted();
                            return;
                        }
                        index++;
                        timer.Disposable = scheduler.Schedule(start + pace.Offset(first, reader.Current[0].Timestamp, index), Step);
                    }
                    catch (Exception exception)
                    {
                        ended = true;
                        observer.OnError(exception);
                    }
                }
            }

            lock (gate)
            {
                try
                {
                    if (reader.MoveNext())
                    {
                        first = reader.Current[0].Timestamp;
                        timer.Disposable = scheduler.Schedule(start, Step);
                    }
                    else
                    {
                        ended = true;
                        observer.OnCompleted();
                    }
                }
                catch (Exception exception)
                {
                    ended = true;
                    observer.OnError(exception);
                }
            }
            return Disposable.Create(() =>
            {
                lock (gate)
                {
                    ended = true;
                    timer.Dispose();
                    reader.Dispose();
                }
            });
        });
}
