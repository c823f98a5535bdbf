using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Microsoft.Extensions.Options;
using TickerService.Configuration;
using TickerService.Market;
using TickerService.Pipelines;
using TickerService.Server.Feed;

namespace TickerService.Server.Replay;

/// <summary>
/// The live feed played from a recording (<c>Ticker:Feed:Mode=Replay</c>): the
/// <see cref="ReplayRecording"/> read at start, paced by <see cref="ReplayPacing"/> on the
/// <see cref="IScheduler"/> and published to the outlet: on one node the same <see cref="QuoteFeed"/>
/// the simulator feeds, so the cache, the broadcaster and every client see it; in a cluster the
/// quote bus, on the leader only. Quotes of one recorded instant are published as one batch. Each
/// pass starts with <c>feed</c> sent to every client (in a cluster, through the bus to every node).
/// </summary>
/// <remarks>
/// Quotes keep their recorded fields. When it loops, each pass after the first shifts every
/// symbol's sequence past the highest one already published (timestamps stay as recorded), so a
/// client still sees each symbol's sequence strictly increase, with no gap at the seam.
/// In a cluster nothing plays at start: a node that takes the lease calls <see cref="Lead"/> with
/// what the bus last carried, and plays on from the instant after it, so a new leader neither
/// repeats nor skips what the old one published; a node that loses the lease stops at its next step.
/// </remarks>
/// <param name="announceToCluster">In a cluster: puts a pass's start on the bus, after its first
/// instant, so every node sends <c>feed</c>; null on a single node, which announces it itself.</param>
public sealed partial class ReplayQuoteSource(
    IQuoteOutlet outlet,
    ReplayRecording recording,
    FeedState state,
    IScheduler scheduler,
    IOptions<TickerOptions> options,
    ILogger<ReplayQuoteSource> logger,
    Action? announceToCluster = null) : IQuoteSource
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _lastSequence = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _offset = new(StringComparer.Ordinal);
    private IDisposable? _playing;
    private DateTime? _resumeAfter;
    private bool _stopped;
    private bool _passStarting;
    private bool _resumedPass;
    private long _passQuotes;

    private FeedReplayOptions Options => options.Value.Feed.Replay;

    /// <summary>Why the replay stopped, if it failed: for /readyz.</summary>
    public string? Error { get; private set; }

    public int Passes { get; private set; }

    public bool Finished { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        state.Played(recording.First);
        if (announceToCluster is null)
        {
            Play();
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// This node leads the cluster now: play on after the instant the bus last carried
    /// (<paramref name="lastPublishedAt"/>; null: the bus is empty, play from the start), each
    /// symbol's sequence continuing from <paramref name="lastQuotes"/>.
    /// </summary>
    public void Lead(IReadOnlyList<Quote> lastQuotes, DateTime? lastPublishedAt)
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }
            // Waits for a step in progress: the old play publishes nothing after this.
            _playing?.Dispose();
            foreach (var quote in lastQuotes)
            {
                _lastSequence[quote.Symbol] = Math.Max(quote.Sequence, _lastSequence.GetValueOrDefault(quote.Symbol));
            }
            _resumeAfter = lastPublishedAt;
            Error = null;
            Finished = false;
            Play();
            LogLeads(lastPublishedAt);
        }
    }

    private void Play()
    {
        var pace = new ReplayPace(Options.Speed, Options.InstantsPerSecond);
        // Every step runs on the scheduler, one at a time; Repeat subscribes the next pass when one ends.
        var pass = Observable.Defer(() =>
        {
            var after = _resumeAfter;
            _resumeAfter = null;
            BeginPass(resumed: after is not null);
            var instants = ReplayPacing.Instants(recording.Read());
            return ReplayPacing.Paced(after is { } at ? instants.Where(i => i[0].Timestamp > at) : instants, pace, scheduler);
        }).Do(_ => { }, EndPass);
        // A node that lost the lease stops at its next step (a cluster's outlet stops producing).
        // Publish in Do, not in the observer: what it throws ends the replay through onError.
        _playing = (Options.Loop ? pass.Repeat() : pass).TakeWhile(_ => outlet.IsProducing).Do(Publish).Subscribe(
            _ => { },
            exception =>
            {
                Error = exception.Message;
                LogFailed(exception, recording.Describe());
            },
            () => Finished = outlet.IsProducing);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            // Waits for a step in progress: nothing is published after this returns.
            _stopped = true;
            _playing?.Dispose();
        }
        return Task.CompletedTask;
    }

    private void BeginPass(bool resumed)
    {
        // A new pass continues every sequence already published; a resumed one is no new pass to announce.
        _offset.Clear();
        _passStarting = !resumed;
        _resumedPass = resumed;
        _passQuotes = 0;
    }

    private void Publish(Quote[] instant)
    {
        for (var i = 0; i < instant.Length; i++)
        {
            // The instant's array is this pass's own: continued quotes replace the recorded ones in place.
            instant[i] = Continue(instant[i]);
        }
        state.Played(instant[0].Timestamp);
        var announce = _passStarting;
        _passStarting = false;
        if (announce && announceToCluster is null)
        {
            state.Announce();
        }
        outlet.Publish(instant);
        if (announce)
        {
            announceToCluster?.Invoke();
        }
        _passQuotes += instant.Length;
    }

    private void EndPass()
    {
        if (_passQuotes == 0 && _resumedPass)
        {
            // The old leader had played this pass to its end: the next pass follows.
            return;
        }
        if (_passQuotes == 0)
        {
            // Start refuses an empty recording, so the database lost it since: stop rather than spin.
            throw new InvalidOperationException($"Nothing is left to replay in {recording.Describe()}.");
        }
        Passes++;
        LogPassEnded(Passes, _passQuotes);
    }

    private Quote Continue(Quote quote)
    {
        if (!_offset.TryGetValue(quote.Symbol, out var offset))
        {
            offset = _lastSequence.TryGetValue(quote.Symbol, out var last) && quote.Sequence <= last ? last - quote.Sequence + 1 : 0;
            _offset[quote.Symbol] = offset;
        }
        var continued = offset == 0 ? quote : quote with { Sequence = quote.Sequence + offset };
        _lastSequence[quote.Symbol] = continued.Sequence;
        return continued;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Replaying as the cluster's leader, after the recorded instant {LastPublishedAt} (none: from the start)")]
    private partial void LogLeads(DateTime? lastPublishedAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replay pass {Pass} ended after {Quotes} quotes")]
    private partial void LogPassEnded(int pass, long quotes);

    [LoggerMessage(Level = LogLevel.Error, Message = "Replaying {Source} failed; the feed stays silent")]
    private partial void LogFailed(Exception exception, string source);
}
