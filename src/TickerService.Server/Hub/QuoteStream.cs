using System.Runtime.CompilerServices;
using TickerService.Market;
using TickerService.Pipelines;

namespace TickerService.Server.Hub;

/// <summary>
/// One client's <c>StreamQuotes</c>: the feed's quotes for its symbols, conflated to the newest
/// per symbol while the client is slower than the feed, so the stream never queues without bound.
/// </summary>
internal static class QuoteStream
{
    public static async IAsyncEnumerable<Quote> ReadAsync(
        QuoteFeed feed,
        InstrumentCatalog catalog,
        SymbolSet symbols,
        Quote[] snapshot,
        Action onEnded,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var gate = new Lock();
        var buffer = new LatestQuoteBuffer(catalog);
        using var signal = new SemaphoreSlim(0, 1);
        using var subscription = feed.Batches.SubscribeIsolated(
            batch =>
            {
                var kept = false;
                lock (gate)
                {
                    foreach (var quote in batch)
                    {
                        kept |= buffer.Put(quote, symbols);
                    }
                }
                // The feed is the only releaser, one batch at a time, so this cannot overfill.
                if (kept && signal.CurrentCount == 0)
                {
                    signal.Release();
                }
            },
            _ => { });
        try
        {
            foreach (var quote in snapshot)
            {
                yield return quote;
            }
            while (true)
            {
                await signal.WaitAsync(cancellationToken).ConfigureAwait(false);
                Quote[] quotes;
                lock (gate)
                {
                    quotes = buffer.Drain();
                }
                foreach (var quote in quotes)
                {
                    yield return quote;
                }
            }
        }
        finally
        {
            onEnded();
        }
    }
}
