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
/// <see cref="IScheduler"/> and published to the same <see cref="QuoteFeed"/> the simulator feeds,
/// so the cache, the broadcaster and every client see it. Quotes of one recorded instant are
/// published as one batch. Each pass starts with <c>feed</c> sent to every client.
/// </summary>
/// <remarks>
/// Quotes keep their recorded fields. When it loops, each pass after the first shifts every
/// symbol's sequence past the highest one already published (timestamps stay as recorded), so a
/// client still sees each symbol's sequence strictly increase, with no gap at the seam.
/// </remarks>
public sealed partial class ReplayQuoteSource(
    QuoteFeed feed,
    ReplayRecording recording,
    FeedState state,
    IScheduler scheduler,
    IOptions<TickerOptions> options,
    ILogger<ReplayQuoteSource> logger) : IQuoteSource
{
    private readonly Dictionary<string, long> _lastSequence = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _offset = new(StringComparer.Ordinal);
    private IDisposable? _playing;
    private bool _passStarting;
    private long _passQuotes;

    private FeedReplayOptions Options => options.Value.Feed.Replay;

    /// <summary>Why the replay stopped, if it failed: for /readyz.</summary>
    public string? Error { get; private set; }

    public int Passes { get; private set; }

    public bool Finished { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        state.Played(recording.First);
        var pace = new ReplayPace(Options.Speed, Options.InstantsPerSecond);
        // Every step runs on the scheduler, one at a time; Repeat subscribes the next pass when one ends.
        var pass = Observable.Defer(() =>
        {
            BeginPass();
            return ReplayPacing.Paced(ReplayPacing.Instants(recording.Read()), pace, scheduler);
        }).Do(Publish, EndPass);
        _playing = (Options.Loop ? pass.Repeat() : pass).Subscribe(
            _ => { },
            exception =>
            {
                Error = exception.Message;
                LogFailed(exception, recording.Describe());
            },
            () => Finished = true);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        // Waits for a step in progress: nothing is published after this returns.
        _playing?.Dispose();
        return Task.CompletedTask;
    }

    private void BeginPass()
    {
        // A new pass continues every sequence already published.
        _offset.Clear();
        _passStarting = true;
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
        if (_passStarting)
        {
            _passStarting = false;
            state.Announce();
        }
        feed.Publish(instant);
        _passQuotes += instant.Length;
    }

    private void EndPass()
    {
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Replay pass {Pass} ended after {Quotes} quotes")]
    private partial void LogPassEnded(int pass, long quotes);

    [LoggerMessage(Level = LogLevel.Error, Message = "Replaying {Source} failed; the feed stays silent")]
    private partial void LogFailed(Exception exception, string source);
}
