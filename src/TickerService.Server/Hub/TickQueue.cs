using System.Runtime.CompilerServices;
using System.Threading.Channels;
using TickerService.Market;
using TickerService.Pipelines;

namespace TickerService.Server.Hub;

/// <summary>
/// Ticks and session changes on their way from the feed to the fan-out loop: the feed writes and
/// returns at once, the loop reads them in the order published. The loop never waits on a client,
/// so the queue stays short; should the CPU fall behind the feed by more than
/// <see cref="MaxQueued"/> items, the reader takes everything queued as one batch of the newest
/// quote per symbol (after the newest session change), so what waits stays bounded by the catalog.
/// </summary>
internal sealed class TickQueue(InstrumentCatalog catalog)
{
    internal const int MaxQueued = 1024;

    // Batches (IReadOnlyList<Quote>) and session events (SessionEvent).
    // Not SingleReader: that channel cannot count what it holds, and the merge needs the count.
    private readonly Channel<object> _channel = Channel.CreateUnbounded<object>();
    private readonly LatestQuoteBuffer _merged = new(catalog);

    /// <summary>Raised by the reader when it merged a backlog: quotes queued, quotes kept.</summary>
    public event Action<long, int>? Merged;

    public void Add(IReadOnlyList<Quote> batch) => _channel.Writer.TryWrite(batch);

    public void Add(SessionEvent session) => _channel.Writer.TryWrite(session);

    /// <summary>Ends reading once what is queued has been read.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    public async IAsyncEnumerable<object> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reader = _channel.Reader;
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (reader.Count > MaxQueued)
            {
                foreach (var item in Merge(reader))
                {
                    yield return item;
                }
            }
            while (reader.TryRead(out var item))
            {
                yield return item;
            }
        }
    }

    private IEnumerable<object> Merge(ChannelReader<object> reader)
    {
        var queued = 0L;
        SessionEvent? lastSession = null;
        for (var left = reader.Count; left > 0 && reader.TryRead(out var item); left--)
        {
            if (item is SessionEvent session)
            {
                lastSession = session;
                continue;
            }
            foreach (var quote in (IReadOnlyList<Quote>)item)
            {
                _merged.Put(quote);
                queued++;
            }
        }
        var merged = _merged.Drain();
        Merged?.Invoke(queued, merged.Length);
        return lastSession is null ? [merged] : [lastSession, merged];
    }
}
