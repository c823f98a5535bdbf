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
    // How many offending symbols an error message lists before it says "and N more".
    private const int ListedInErrors = 10;

    // A malformed symbol is echoed so the client can find it, but not at any length.
    private const int MaxEchoedSymbol = 24;

    private readonly FrozenDictionary<string, int> _indexBySymbol;

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
    /// Turns what a client asked for into a set, or says what was wrong with it: an empty list,
    /// too many entries, malformed or unknown symbols. Symbols are matched case-insensitively;
    /// <c>"*"</c> means every instrument.
    /// </summary>
    public SymbolSet Resolve(IReadOnlyList<string?>? symbols, int maxSymbols)
    {
        if (symbols is null || symbols.Count == 0)
        {
            throw new ClientRequestException("Give at least one symbol, or [\"*\"] for every instrument.");
        }
        // Checked before any symbol is looked at, so a huge list costs the server nothing.
        if (symbols.Count > maxSymbols)
        {
            throw new ClientRequestException($"Too many symbols: {symbols.Count} given, at most {maxSymbols} per connection.");
        }

        var indices = new List<int>(symbols.Count);
        var everything = false;
        List<string>? malformed = null;
        List<string>? unknown = null;
        // Every entry is checked, "*" included: a typo beside "*" is still a typo the client wants to hear of.
        foreach (var raw in symbols)
        {
            var symbol = raw?.Trim().ToUpperInvariant();
            if (symbol == Symbols.All)
            {
                everything = true;
            }
            else if (!Symbols.IsWellFormed(symbol))
            {
                (malformed ??= []).Add(raw is null ? "null" : $"'{ClientText.Printable(raw, MaxEchoedSymbol)}'");
            }
            else if (_indexBySymbol.TryGetValue(symbol!, out var index))
            {
                indices.Add(index);
            }
            else
            {
                (unknown ??= []).Add(symbol!);
            }
        }

        if (malformed is not null)
        {
            throw new ClientRequestException($"Malformed symbol(s): {Listing(malformed)}. A symbol is 1 to 12 of A-Z 0-9 . - _ =, or \"*\" for every instrument.");
        }
        if (unknown is not null)
        {
            throw new ClientRequestException($"Unknown symbol(s): {Listing(unknown)}");
        }
        return everything ? All : SymbolSet.Of(Count, indices);
    }

    private static string Listing(List<string> items) =>
        items.Count <= ListedInErrors
            ? string.Join(", ", items)
            : $"{string.Join(", ", items.Take(ListedInErrors))} and {items.Count - ListedInErrors} more";
}
