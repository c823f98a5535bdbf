using System.Text.Json;

namespace TickerService.LoadGenerator;

/// <summary>The instruments' symbols as indexes, so a client follows sequences without allocating a string per quote.</summary>
public sealed class SymbolTable(IReadOnlyList<string> symbols)
{
    private readonly Dictionary<string, int> _index = symbols.Select((s, i) => (s, i)).ToDictionary(p => p.s, p => p.i, StringComparer.Ordinal);

    public IReadOnlyList<string> Symbols { get; } = symbols;

    public int Count => Symbols.Count;

    // A lookup by the symbol's characters, so thousands of instruments cost a client no more than fifteen.
    private Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> Lookup => _index.GetAlternateLookup<ReadOnlySpan<char>>();

    public int IndexOf(ref Utf8JsonReader reader)
    {
        Span<char> chars = stackalloc char[64];
        var length = reader.CopyString(chars);
        return Lookup.TryGetValue(chars[..length], out var i) ? i : -1;
    }

    public int IndexOf(string symbol) => _index.TryGetValue(symbol, out var i) ? i : -1;
}
