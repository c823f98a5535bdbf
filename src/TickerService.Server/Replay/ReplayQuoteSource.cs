using System.Reactive.Concurrency;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using TickerService.Configuration;
using TickerService.Market;
using TickerService.Pipelines;
using TickerService.Server.Feed;
using TickerService.Server.Recording;

namespace TickerService.Server.Replay;

/// <summary>
/// The live feed played from a recording (<c>Ticker:Feed:Mode=Replay</c>): a file or a range of the
/// recording database, paced by a <see cref="ReplaySession"/> and published to the same
/// <see cref="QuoteFeed"/> the simulator feeds, so the cache, the broadcaster and every client see it.
/// Quotes of one recorded instant are published as one batch.
/// </summary>
/// <remarks>
/// Quotes keep their recorded fields. When it loops, each pass after the first shifts every
/// symbol's sequence past the highest one already published (timestamps stay as recorded), so a
/// client still sees each symbol's sequence strictly increase, with no gap at the seam.
/// </remarks>
public sealed partial class ReplayQuoteSource(
    QuoteFeed feed,
    RecordingStore store,
    InstrumentCatalog catalog,
    IScheduler scheduler,
    IOptions<TickerOptions> options,
    ILogger<ReplayQuoteSource> logger) : IQuoteSource
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<string, long> _lastSequence = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _offset = new(StringComparer.Ordinal);
    private Task _pump = Task.CompletedTask;
    private ReplaySession? _session;

    private FeedReplayOptions Options => options.Value.Feed.Replay;

    /// <summary>Playing, finished or failed, and why: for /readyz.</summary>
    public string? Error { get; private set; }

    public int Passes { get; private set; }

    public bool Finished { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _pump = Task.Run(() => PlayAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        _session?.Dispose();
        await _pump.ConfigureAwait(false);
    }

    private async Task PlayAsync(CancellationToken stopping)
    {
        try
        {
            do
            {
                var published = await PlayPassAsync(stopping).ConfigureAwait(false);
                if (published == 0)
                {
                    Error = "The recording to replay is empty: nothing to play.";
                    LogEmpty(Describe());
                    return;
                }
                Passes++;
                LogPassEnded(Passes, published);
            }
            while (Options.Loop && !stopping.IsCancellationRequested);
            Finished = true;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            Error = exception.Message;
            LogFailed(exception, Describe());
        }
    }

    private async Task<long> PlayPassAsync(CancellationToken stopping)
    {
        // A new pass continues every sequence already published.
        _offset.Clear();
        var channel = Channel.CreateBounded<Quote>(new BoundedChannelOptions(1024) { SingleReader = true, SingleWriter = true });
        var from = Options.From ?? DateTime.UnixEpoch;
        _session = new ReplaySession(Read, from, Options.To ?? DateTime.MaxValue, Options.Speed, scheduler, channel.Writer);
        _session.Start();
        long published = 0;
        var batch = new List<Quote>();
        try
        {
            while (await channel.Reader.WaitToReadAsync(stopping).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var quote))
                {
                    if (batch.Count > 0 && batch[0].Timestamp != quote.Timestamp)
                    {
                        published += Publish(batch);
                        batch = [];
                    }
                    batch.Add(Continue(quote));
                }
                // What is due now has been written together: publish it before waiting again.
                published += Publish(batch);
                batch = [];
            }
            await channel.Reader.Completion.ConfigureAwait(false);
        }
        finally
        {
            _session.Dispose();
        }
        return published;
    }

    private IEnumerable<Quote> Read(DateTime at)
    {
        var symbols = Options.Symbols.Count == 0
            ? null
            : catalog.Resolve(Options.Symbols, int.MaxValue).Indices().Select(i => catalog.Options[i].Symbol).ToHashSet(StringComparer.Ordinal);
        var quotes = string.IsNullOrWhiteSpace(Options.File)
            ? store.Read(symbols, at, Options.To ?? DateTime.MaxValue)
            : RecordingFormats.ReadFile(Options.File, catalog).Where(q => q.Timestamp >= at && q.Timestamp <= (Options.To ?? DateTime.MaxValue));
        return symbols is null || string.IsNullOrWhiteSpace(Options.File) ? quotes : quotes.Where(q => symbols.Contains(q.Symbol));
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

    private int Publish(List<Quote> batch)
    {
        if (batch.Count > 0)
        {
            feed.Publish(batch);
        }
        return batch.Count;
    }

    private string Describe() => string.IsNullOrWhiteSpace(Options.File)
        ? $"the recording database {store.Path} from {Options.From?.ToString("O") ?? "the start"} to {Options.To?.ToString("O") ?? "the end"}"
        : Options.File;

    [LoggerMessage(Level = LogLevel.Information, Message = "Replay pass {Pass} ended after {Quotes} quotes")]
    private partial void LogPassEnded(int pass, long quotes);

    [LoggerMessage(Level = LogLevel.Error, Message = "Nothing to replay in {Source}; the feed stays silent")]
    private partial void LogEmpty(string source);

    [LoggerMessage(Level = LogLevel.Error, Message = "Replaying {Source} failed; the feed stays silent")]
    private partial void LogFailed(Exception exception, string source);
}
