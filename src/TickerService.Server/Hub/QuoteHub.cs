using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using TickerService.Configuration;
using TickerService.Market;
using TickerService.Pipelines;
using TickerService.Server.Feed;
using TickerService.Server.Replay;

namespace TickerService.Server.Hub;

/// <summary>
/// <c>/hubs/quotes</c> (SPEC section 2). Thin: it validates what the client sent and hands off to
/// the broadcaster, the cache and the feed. A bad request becomes a <see cref="HubException"/>
/// through <see cref="ClientErrorFilter"/>, and the connection stays up.
/// </summary>
public sealed partial class QuoteHub(
    InstrumentCatalog catalog,
    LastValueCache cache,
    QuoteBroadcaster broadcaster,
    QuoteFeed feed,
    ReplayService replays,
    IOptions<TickerOptions> options,
    FeedState feedState,
    Registry.InstrumentRegistry registry,
    QuoteResumer resumer) : Microsoft.AspNetCore.SignalR.Hub
{
    private static readonly object StreamCountKey = new();

    private LimitOptions Limits => options.Value.Limits;

    public IReadOnlyList<Instrument> GetInstruments() => registry.Instruments;

    /// <summary>What drives the feed: <c>{ mode, speed, at }</c> (SPEC section 9); also sent as <c>feed</c>.</summary>
    public FeedStatus GetFeed() => feedState.Current;

    /// <summary>
    /// Joins the symbols and returns their latest quotes at once. The connection is subscribed
    /// before the snapshot is read, so no update falls between them; an update may arrive twice
    /// (in the snapshot and in <c>quotes</c>): keep the one with the higher <c>sequence</c>.
    /// </summary>
    public Quote[] Subscribe(string?[]? symbols)
    {
        var requested = catalog.Resolve(symbols, Limits.MaxSymbolsPerConnection);
        broadcaster.Subscribe(Context.ConnectionId, requested, Limits.MaxSymbolsPerConnection);
        return cache.Snapshot(requested);
    }

    /// <summary>
    /// Subscribes like <see cref="Subscribe"/> and returns what the client missed (SPEC 11): every
    /// quote after each symbol's <c>after</c> sequence, oldest first, and the latest quote of a
    /// symbol without one; live <c>quotes</c> then carry on from there with no gap and no repeat
    /// (some may arrive before this result: each sequence still comes once).
    /// </summary>
    public Task<ResumeResult> Resume(ResumeRequest? request)
    {
        var (symbols, after) = resumer.Check(request?.Symbols, request?.After);
        return resumer.ResumeAsync(Context.ConnectionId, symbols, after, Context.ConnectionAborted);
    }

    public void Unsubscribe(string?[]? symbols)
    {
        var requested = catalog.Resolve(symbols, Limits.MaxSymbolsPerConnection);
        broadcaster.Unsubscribe(Context.ConnectionId, requested);
    }

    /// <summary>
    /// The same updates as a SignalR stream: the snapshot first, then every change, newest per
    /// symbol when the reader falls behind. Checked here, before streaming starts, so a bad
    /// request fails the call instead of an empty stream.
    /// </summary>
    public IAsyncEnumerable<Quote> StreamQuotes(string?[]? symbols, CancellationToken cancellationToken)
    {
        var requested = catalog.Resolve(symbols, Limits.MaxSymbolsPerConnection);
        var streams = (StrongBox<int>)Context.Items.GetOrAdd(StreamCountKey, static _ => new StrongBox<int>());
        if (Interlocked.Increment(ref streams.Value) > Limits.MaxStreamsPerConnection)
        {
            Interlocked.Decrement(ref streams.Value);
            throw new ClientRequestException(
                $"Too many quote streams: at most {Limits.MaxStreamsPerConnection} per connection. End one before starting another.");
        }
        return QuoteStream.ReadAsync(feed, catalog, requested, cache.Snapshot(requested), () => Interlocked.Decrement(ref streams.Value), cancellationToken);
    }

    /// <summary>
    /// Recorded quotes, unchanged, paced by their recorded gaps divided by the speed (SPEC section 4).
    /// The request is checked here, before the stream starts; ending the stream ends the replay.
    /// </summary>
    public ChannelReader<Quote> Replay(ReplayRequest? request, CancellationToken cancellationToken) =>
        replays.Start(Context, request, cancellationToken);

    public void PauseReplay(string? replayId) => replays.Pause(Context, replayId);

    public void ResumeReplay(string? replayId) => replays.Resume(Context, replayId);

    public void SeekReplay(string? replayId, DateTime at) => replays.Seek(Context, replayId, at);

    public void SetReplaySpeed(string? replayId, double speed) => replays.SetSpeed(Context, replayId, speed);
}
