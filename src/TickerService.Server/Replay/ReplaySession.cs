using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Threading.Channels;
using TickerService.Market;

namespace TickerService.Server.Replay;

/// <summary>
/// One running replay: reads recorded quotes in order and writes each to <paramref name="output"/>
/// when it is due, the recorded gap since the previous quote divided by the speed (speed 0: as soon
/// as the output has room). Pause, resume, seek and speed changes re-anchor the clock.
/// </summary>
/// <remarks>
/// Every step runs as an action on the <see cref="IScheduler"/>, so tests drive pacing in virtual
/// time with a <see cref="HistoricalScheduler"/>. One lock orders the steps and the controls; a
/// generation number voids a step scheduled before a control changed the plan. A control runs the
/// step that is due at once, on the caller's thread. The first quote
/// (after the start or a seek) plays at once: a replay never waits out a gap before its first quote.
/// </remarks>
public sealed class ReplaySession : IDisposable
{
    // Quotes written in one step at speed 0 before the step yields the scheduler thread.
    private const int StepBudget = 256;

    // The longest wait the session plans. A longer one (a tiny speed over a wide gap) is as good as
    // forever, and would overflow the clock arithmetic; a control (resume, seek, speed) re-plans it.
    internal static readonly TimeSpan MaxWait = TimeSpan.FromDays(365 * 100);

    private readonly Func<DateTime, IEnumerable<Quote>> _read;
    private readonly IScheduler _scheduler;
    private readonly ChannelWriter<Quote> _output;
    private readonly Action? _onEnded;
    private readonly Func<Exception, Exception>? _readerError;
    private readonly Lock _gate = new();
    private IEnumerator<Quote>? _quotes;
    private Quote? _next;
    private IDisposable? _pending;
    private int _generation;
    private bool _paused;
    private bool _ended;
    private double _speed;

    // The replay clock: recorded time _anchorRecorded played at scheduler time _anchorAt.
    private DateTime? _anchorRecorded;
    private DateTimeOffset _anchorAt;

    // Where a paused replay stands in recorded time (null: before its first quote).
    private DateTime? _pausedAt;

    /// <param name="read">Opens the recording from a time on (to the replay's end), oldest first.</param>
    /// <param name="readerError">What the reader gets for a failure while playing (the failure itself when null).</param>
    public ReplaySession(Func<DateTime, IEnumerable<Quote>> read, DateTime from, DateTime to, double speed, IScheduler scheduler, ChannelWriter<Quote> output, Action? onEnded = null, Func<Exception, Exception>? readerError = null)
    {
        _readerError = readerError;
        _read = read;
        _speed = speed;
        _scheduler = scheduler;
        _output = output;
        _onEnded = onEnded;
        From = from;
        To = to;
    }

    public DateTime From { get; }

    public DateTime To { get; }

    public bool IsPaused
    {
        get
        {
            lock (_gate)
            {
                return _paused;
            }
        }
    }

    public void Start(DateTime? at = null)
    {
        lock (_gate)
        {
            _quotes = _read(at ?? From).GetEnumerator();
            StepNow();
        }
    }

    public void Pause()
    {
        lock (_gate)
        {
            if (_paused || _ended)
            {
                return;
            }
            _pausedAt = Position();
            _paused = true;
            CancelStep();
        }
    }

    public void Resume()
    {
        lock (_gate)
        {
            if (!_paused || _ended)
            {
                return;
            }
            _paused = false;
            Anchor(_pausedAt);
            StepNow();
        }
    }

    /// <summary>Plays on from <paramref name="at"/>: the first quote at or after it plays at once.</summary>
    public void Seek(DateTime at)
    {
        lock (_gate)
        {
            if (_ended)
            {
                return;
            }
            CancelStep();
            _quotes?.Dispose();
            _quotes = _read(at).GetEnumerator();
            _next = null;
            _pausedAt = null;
            Anchor(null);
            if (!_paused)
            {
                StepNow();
            }
        }
    }

    public void SetSpeed(double speed)
    {
        lock (_gate)
        {
            if (_ended)
            {
                return;
            }
            if (_paused)
            {
                _speed = speed;
                return;
            }
            // The recorded time reached so far stays where it is; only the pace from here changes.
            var position = Position();
            _speed = speed;
            Anchor(position);
            CancelStep();
            StepNow();
        }
    }

    /// <summary>Ends the replay (the client ended the stream, or it played out): releases the reader.</summary>
    public void Dispose() => End(null);

    private void Step(int generation)
    {
        lock (_gate)
        {
            if (generation != _generation || _ended || _paused || _quotes is null)
            {
                return;
            }
            _pending = null;
            try
            {
                for (var budget = StepBudget; budget > 0; budget--)
                {
                    if (_next is null)
                    {
                        if (!_quotes.MoveNext())
                        {
                            End(null);
                            return;
                        }
                        _next = _quotes.Current;
                    }
                    if (_speed > 0)
                    {
                        var now = _scheduler.Now;
                        if (_anchorRecorded is null)
                        {
                            Anchor(_next.Timestamp);
                        }
                        var due = _anchorAt + Scale(_next.Timestamp - _anchorRecorded!.Value, 1 / _speed);
                        if (due > now)
                        {
                            _pending = _scheduler.Schedule(generation, due, (_, g) =>
                            {
                                Step(g);
                                return Disposable.Empty;
                            });
                            return;
                        }
                    }
                    if (!_output.TryWrite(_next))
                    {
                        WaitForRoom(generation);
                        return;
                    }
                    _next = null;
                }
                // Speed 0 and plenty to send: let other work on this thread have a turn.
                ScheduleStep();
            }
            catch (Exception exception)
            {
                End(_readerError?.Invoke(exception) ?? exception);
            }
        }
    }

    private void WaitForRoom(int generation)
    {
        var wait = _output.WaitToWriteAsync();
        if (wait.IsCompleted)
        {
            if (wait.Result)
            {
                _pending = _scheduler.Schedule(generation, (_, g) => { Step(g); return Disposable.Empty; });
            }
            else
            {
                End(null);
            }
            return;
        }
        _ = wait.AsTask().ContinueWith(
            task =>
            {
                if (task.IsCompletedSuccessfully && task.Result)
                {
                    lock (_gate)
                    {
                        if (generation == _generation && !_ended)
                        {
                            _pending = _scheduler.Schedule(generation, (_, g) => { Step(g); return Disposable.Empty; });
                        }
                    }
                }
                else
                {
                    End(null);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void End(Exception? error)
    {
        lock (_gate)
        {
            if (_ended)
            {
                return;
            }
            _ended = true;
            CancelStep();
            _quotes?.Dispose();
            _quotes = null;
            _next = null;
        }
        _output.TryComplete(error);
        _onEnded?.Invoke();
    }

    /// <summary>The recorded time the replay has reached; null before its first quote.</summary>
    private DateTime? Position()
    {
        if (_paused)
        {
            return _pausedAt;
        }
        if (_anchorRecorded is not { } anchor || _speed <= 0)
        {
            return _next?.Timestamp ?? _anchorRecorded;
        }
        var position = anchor + Scale(_scheduler.Now - _anchorAt, _speed);
        // Not beyond the next quote: it has not been played, whatever the clock says.
        return _next is { } next && next.Timestamp < position ? next.Timestamp : position;
    }

    private void Anchor(DateTime? recorded)
    {
        _anchorRecorded = recorded;
        _anchorAt = _scheduler.Now;
    }

    // A control takes effect at once, on the caller's thread: what is due now is written before it returns.
    private void StepNow()
    {
        _pending?.Dispose();
        Step(++_generation);
    }

    private void ScheduleStep()
    {
        var generation = ++_generation;
        _pending = _scheduler.Schedule(generation, (_, g) =>
        {
            Step(g);
            return Disposable.Empty;
        });
    }

    private void CancelStep()
    {
        _generation++;
        _pending?.Dispose();
        _pending = null;
    }

    // Saturates at MaxWait either way instead of overflowing (a cast of a too-large double to long is undefined).
    private static TimeSpan Scale(TimeSpan span, double factor)
    {
        var ticks = Math.Round(span.Ticks * factor);
        return ticks >= MaxWait.Ticks ? MaxWait
            : ticks <= -MaxWait.Ticks ? -MaxWait
            : TimeSpan.FromTicks((long)ticks);
    }
}
