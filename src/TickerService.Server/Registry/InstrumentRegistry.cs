using System.Collections.Frozen;
using TickerService.Configuration;
using TickerService.Market;
using TickerService.Server.Recording;

namespace TickerService.Server.Registry;

/// <summary>
/// Every instrument the service knows (SPEC section 7): the live <see cref="InstrumentCatalog"/>
/// (fixed indices for the simulator, cache and broadcaster) plus the history-only instruments
/// that recordings brought (<c>simulated: false</c>). The history-only ones live in the recording
/// store's <c>instruments</c> table, written by an import in the transaction of its quotes, so they
/// survive a restart. Everything that takes a symbol for recorded data asks here; live
/// subscriptions still ask the catalog, which this registry teaches to name history-only symbols.
/// </summary>
/// <remarks>
/// Reads take an immutable snapshot (no lock on the request path); imports, one at a time, swap
/// in a new one after their transaction commits.
/// </remarks>
public sealed class InstrumentRegistry
{
    private readonly InstrumentCatalog _catalog;
    private Snapshot _snapshot;

    public InstrumentRegistry(InstrumentCatalog catalog, RecordingStore store)
    {
        _catalog = catalog;
        var registered = store.ReadInstruments();
        _snapshot = Build(catalog, [.. registered, .. RecordedWithoutEntry(catalog, store, registered)]);
        catalog.RecognizeHistoryOnly(IsHistoryOnly);
    }

    /// <summary>The catalog's instruments in index order, then the history-only ones by symbol.</summary>
    public IReadOnlyList<Instrument> Instruments => Volatile.Read(ref _snapshot).All;

    public int Count => Instruments.Count;

    /// <summary>A symbol recordings brought that the live feed does not quote.</summary>
    public bool IsHistoryOnly(string symbol) => Volatile.Read(ref _snapshot).HistoryOnly.ContainsKey(symbol);

    public bool IsKnown(string symbol) => _catalog.TryGetIndex(symbol, out _) || IsHistoryOnly(symbol);

    /// <summary>
    /// The tick every price of <paramref name="symbol"/> is a whole number of: the catalog's, else
    /// the one the symbol was registered with, else <see cref="QuoteInvariants.DefaultTickSize"/>
    /// (a symbol an import is about to register).
    /// </summary>
    public decimal TickSizeOf(string symbol) =>
        _catalog.TryGetIndex(symbol, out var index) ? _catalog.Options[index].TickSize
        : Volatile.Read(ref _snapshot).HistoryOnly.TryGetValue(symbol, out var instrument) ? instrument.TickSize
        : QuoteInvariants.DefaultTickSize;

    /// <summary>
    /// The symbols a client asked for, checked as the catalog checks them (<see cref="SymbolRequest"/>);
    /// null when it asked for every instrument (<c>"*"</c>).
    /// </summary>
    public string[]? Resolve(IReadOnlyList<string?>? symbols, int maxSymbols)
    {
        var (all, found) = SymbolRequest.Parse(symbols, maxSymbols, IsKnown);
        return all ? null : [.. found.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>
    /// The instruments to register for an import's symbols that nobody knows yet: named after their
    /// newest quote, no currency (a recording does not say), <paramref name="tickSize"/> or 0.01.
    /// </summary>
    public List<InstrumentOptions> Unknown(IEnumerable<(string Symbol, string Name)> symbols, decimal? tickSize = null) =>
        [.. symbols
            .GroupBy(s => s.Symbol, StringComparer.Ordinal)
            .Where(g => !IsKnown(g.Key))
            .Select(g => new InstrumentOptions
            {
                Symbol = g.Key,
                Name = g.Last().Name,
                Currency = "",
                TickSize = tickSize ?? QuoteInvariants.DefaultTickSize,
            })];

    /// <summary>Adds instruments an import has just written to the store (imports run one at a time).</summary>
    public void Added(IReadOnlyCollection<InstrumentOptions> instruments)
    {
        if (instruments.Count == 0)
        {
            return;
        }
        var current = Volatile.Read(ref _snapshot);
        Volatile.Write(ref _snapshot, Build(_catalog, [.. current.HistoryOnly.Values, .. instruments]));
    }

    // Symbols recorded before the instruments table existed (imports of earlier versions), or
    // configured once and since removed: their history stays reachable as history-only
    // instruments, named as their newest quote, no currency, priced in the default tick (what an
    // import registers for a symbol nobody knows). Derived at each start, nothing written.
    private static IEnumerable<InstrumentOptions> RecordedWithoutEntry(InstrumentCatalog catalog, RecordingStore store, List<InstrumentOptions> registered)
    {
        var known = registered.Select(i => i.Symbol).ToHashSet(StringComparer.Ordinal);
        foreach (var symbol in store.ReadRecordedSymbols())
        {
            if (!catalog.TryGetIndex(symbol, out _) && !known.Contains(symbol) && Symbols.IsWellFormed(symbol))
            {
                yield return new InstrumentOptions { Symbol = symbol, Name = store.Latest(symbol)?.Name ?? symbol, Currency = "", TickSize = QuoteInvariants.DefaultTickSize };
            }
        }
    }

    private static Snapshot Build(InstrumentCatalog catalog, IEnumerable<InstrumentOptions> recorded)
    {
        var historyOnly = recorded
            .Where(i => !catalog.TryGetIndex(i.Symbol, out _))
            .GroupBy(i => i.Symbol, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        // An array, not a collection expression's hidden type: MessagePack serializes the runtime type.
        var all = catalog.Instruments
            .Concat(historyOnly.Values.OrderBy(i => i.Symbol, StringComparer.Ordinal).Select(i => new Instrument
            {
                Symbol = i.Symbol,
                Name = i.Name,
                Currency = i.Currency,
                TickSize = (double)i.TickSize,
                Decimals = i.TickSize.Scale,
                Simulated = false,
            }))
            .ToArray();
        return new Snapshot(all, historyOnly);
    }

    private sealed record Snapshot(Instrument[] All, FrozenDictionary<string, InstrumentOptions> HistoryOnly);
}
