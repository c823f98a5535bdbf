using System.Text;
using System.Text.Json;

namespace TickerService.LoadGenerator;

/// <summary>The instruments' symbols as indexes, so a client follows sequences without allocating a string per quote.</summary>
public sealed class SymbolTable(IReadOnlyList<string> symbols)
{
    private readonly byte[][] _utf8 = [.. symbols.Select(Encoding.UTF8.GetBytes)];
    private readonly Dictionary<string, int> _index = symbols.Select((s, i) => (s, i)).ToDictionary(p => p.s, p => p.i, StringComparer.Ordinal);

    public IReadOnlyList<string> Symbols { get; } = symbols;

    public int Count => _utf8.Length;

    public int IndexOf(ref Utf8JsonReader reader)
    {
        for (var i = 0; i < _utf8.Length; i++)
        {
            if (reader.ValueTextEquals(_utf8[i]))
            {
                return i;
            }
        }
        return -1;
    }

    public int IndexOf(string symbol) => _index.TryGetValue(symbol, out var i) ? i : -1;
}
