using TickerService.Market;

namespace TickerService.Pipelines;

/// <summary>
/// The latest quote of every instrument: the snapshot <c>Subscribe</c> returns and the HTTP API
/// reads. One slot per instrument, written by the feed and read lock-free (a reference write is
/// atomic, and a quote is immutable).
/// </summary>
public sealed class LastValueCache : IQuoteConsumer
{
    private readonly InstrumentCatalog _catalog;
    private readonly Quote?[] _latest;

    public LastValueCache(InstrumentCatalog catalog)
    {
        _catalog = catalog;
        _latest = new Quote?[catalog.Count];
    }

    public void OnQuotes(IReadOnlyList<Quote> batch)
    {
        foreach (var quote in batch)
        {
            if (_catalog.TryGetIndex(quote.Symbol, out var index))
            {
                Volatile.Write(ref _latest[index], quote);
            }
        }
    }

    public Quote? Get(int index) => Volatile.Read(ref _latest[index]);

    public Quote? Get(string symbol) => _catalog.TryGetIndex(symbol, out var index) ? Get(index) : null;

    /// <summary>The latest quote of each instrument in the set that has one, in catalog order.</summary>
    public Quote[] Snapshot(SymbolSet symbols)
    {
        var quotes = new List<Quote>(symbols.Count);
        foreach (var index in symbols.Indices())
        {
            if (Get(index) is { } quote)
            {
                quotes.Add(quote);
            }
        }
        return [.. quotes];
    }
}
