using System.Reactive.Linq;
using System.Reactive.Subjects;
using TickerService.Market;

namespace TickerService.Pipelines;

/// <summary>
/// The one hot stream every consumer reads: the last-value cache, the broadcaster, the recorder.
/// A batch is the quotes of one tick. Whatever drives the feed (the simulator, a replay, a test)
/// publishes here, one call at a time.
/// </summary>
public sealed class QuoteFeed : IQuoteOutlet, IDisposable
{
    private readonly Subject<IReadOnlyList<Quote>> _batches = new();
    private readonly Subject<SessionEvent> _sessions = new();
    private readonly TimeProvider _time;
    private long _published;
    private long _lastPublishedAt;
    private string? _lastSession;

    public QuoteFeed(TimeProvider time)
    {
        _time = time;
        Batches = _batches.AsObservable();
        Quotes = Batches.SelectMany(batch => batch);
        Sessions = _sessions.AsObservable();
    }

    /// <summary>Every tick's quotes, as published.</summary>
    public IObservable<IReadOnlyList<Quote>> Batches { get; }

    /// <summary>The same quotes one by one.</summary>
    public IObservable<Quote> Quotes { get; }

    /// <summary>Session opens and closes.</summary>
    public IObservable<SessionEvent> Sessions { get; }

    /// <summary>Quotes published since start.</summary>
    public long PublishedCount => Interlocked.Read(ref _published);

    /// <summary>When the last batch was published, or null before the first.</summary>
    public DateTimeOffset? LastPublishedAt
    {
        get
        {
            var ticks = Interlocked.Read(ref _lastPublishedAt);
            return ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    /// <summary>
    /// The session state the feed last carried (a session event, or the newest quote's), null
    /// before either: what clients were told, whoever produced it (this node's simulator, or the
    /// cluster's leader through the bus).
    /// </summary>
    public string? LastSession => Volatile.Read(ref _lastSession);

    /// <summary>A node's own feed always takes what its simulator makes.</summary>
    public bool IsProducing => true;

    /// <summary>Publishes one batch. Callers serialise their calls (Rx observers expect it).</summary>
    public void Publish(IReadOnlyList<Quote> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }
        Interlocked.Add(ref _published, batch.Count);
        Interlocked.Exchange(ref _lastPublishedAt, _time.GetUtcNow().UtcTicks);
        Volatile.Write(ref _lastSession, batch[^1].Session);
        _batches.OnNext(batch);
    }

    public void PublishSession(SessionEvent session)
    {
        Volatile.Write(ref _lastSession, session.State);
        _sessions.OnNext(session);
    }

    public void Dispose()
    {
        _batches.OnCompleted();
        _sessions.OnCompleted();
        _batches.Dispose();
        _sessions.Dispose();
    }
}
