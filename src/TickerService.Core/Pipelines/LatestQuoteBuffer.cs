using TickerService.Market;

namespace TickerService.Pipelines;

/// <summary>
/// Conflation for a reader that falls behind: at most one quote per instrument, the newest, in
/// the order the instruments first changed. Its size is bounded by the catalog, however long the
/// reader stalls. Not thread-safe: the owner locks.
/// </summary>
public sealed class LatestQuoteBuffer
{
    private readonly InstrumentCatalog _catalog;
    private readonly Quote?[] _slots;
    private readonly int[] _order;
    private int _count;

    public LatestQuoteBuffer(InstrumentCatalog catalog)
    {
        _catalog = catalog;
        _slots = new Quote?[catalog.Count];
        _order = new int[catalog.Count];
    }

    public int Count => _count;

    /// <summary>Quotes that were replaced by a newer one before they were read.</summary>
    public long Conflated { get; private set; }

    /// <summary>Keeps the quote if its instrument is in <paramref name="filter"/>; returns whether it was kept.</summary>
    public bool Put(Quote quote, SymbolSet? filter = null)
    {
        if (!_catalog.TryGetIndex(quote.Symbol, out var index) || (filter is not null && !filter.Contains(index)))
        {
            return false;
        }
        if (_slots[index] is null)
        {
            _order[_count++] = index;
        }
        else
        {
            Conflated++;
        }
        _slots[index] = quote;
        return true;
    }

    /// <summary>Takes every kept quote, oldest change first, and empties the buffer.</summary>
    public Quote[] Drain()
    {
        if (_count == 0)
        {
            return [];
        }
        var quotes = new Quote[_count];
        for (var i = 0; i < _count; i++)
        {
            ref var slot = ref _slots[_order[i]];
            quotes[i] = slot!;
            slot = null;
        }
        _count = 0;
        return quotes;
    }
}
