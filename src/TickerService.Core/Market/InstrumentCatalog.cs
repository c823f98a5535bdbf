using System.Collections.Frozen;
using TickerService.Configuration;

namespace TickerService.Market;

/// <summary>
/// The instruments the live feed quotes, each with a fixed index that the simulator, the cache
/// and the broadcaster share: the configured instruments in simulator mode, the recording's
/// symbols in replay mode. Built once, at start.
/// </summary>
public sealed class InstrumentCatalog
{
    private readonly FrozenDictionary<string, int> _indexBySymbol;
    private Func<string, bool>? _isHistoryOnly;

    /// <param name="instruments">In index order.</param>
    /// <param name="simulated">
    /// Whether the simulator quotes them (<see cref="Instrument.Simulated"/>): true for the configured
    /// instruments of simulator mode, false for the recording's symbols in replay mode.
    /// </param>
    public InstrumentCatalog(IEnumerable<InstrumentOptions> instruments, bool simulated = true)
    {
        Options = [.. instruments];
        if (Options.Count == 0)
        {
            throw new ArgumentException("At least one instrument is needed.", nameof(instruments));
        }

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Options.Count; i++)
        {
            var symbol = Options[i].Symbol;
            if (!Symbols.IsWellFormed(symbol))
            {
                throw new ArgumentException($"Instrument {i}: symbol '{symbol}' is not 1 to 12 of A-Z 0-9 . - _ =.", nameof(instruments));
            }
            if (!index.TryAdd(symbol, i))
            {
                throw new ArgumentException($"Instrument {i}: symbol '{symbol}' is configured twice.", nameof(instruments));
            }
        }

        _indexBySymbol = index.ToFrozenDictionary(StringComparer.Ordinal);
        // An array, not a collection expression's hidden type: MessagePack serializes the runtime type.
        Instruments = Options.Select(o => new Instrument
        {
            Symbol = o.Symbol,
            Name = o.Name,
            Currency = o.Currency,
            TickSize = (double)o.TickSize,
            Decimals = o.TickSize.Scale,
            Simulated = simulated,
        }).ToArray();
        All = SymbolSet.Of(Count, Enumerable.Range(0, Count));
    }

    public IReadOnlyList<InstrumentOptions> Options { get; }

    public IReadOnlyList<Instrument> Instruments { get; }

    public int Count => Options.Count;

    /// <summary>Every instrument.</summary>
    public SymbolSet All { get; }

    public bool TryGetIndex(string symbol, out int index) => _indexBySymbol.TryGetValue(symbol, out index);

    /// <summary>
    /// Turns what a client asked for into a set, or says what was wrong with it (<see cref="SymbolRequest"/>):
    /// <c>"*"</c> means every instrument; a symbol known only from recordings is refused as history-only.
    /// </summary>
    public SymbolSet Resolve(IReadOnlyList<string?>? symbols, int maxSymbols)
    {
        var (all, found) = SymbolRequest.Parse(symbols, maxSymbols, _indexBySymbol.ContainsKey, _isHistoryOnly);
        return all ? All : SymbolSet.Of(Count, found.Select(s => _indexBySymbol[s]));
    }

    /// <summary>
    /// Lets <see cref="Resolve"/> tell a history-only symbol (recorded, not quoted live) from an
    /// unknown one. Set once by the instrument registry, which is built after the catalog.
    /// </summary>
    public void RecognizeHistoryOnly(Func<string, bool> isHistoryOnly) => _isHistoryOnly = isHistoryOnly;
}
