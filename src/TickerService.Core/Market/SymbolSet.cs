using System.Numerics;

namespace TickerService.Market;

/// <summary>
/// An immutable set of instruments, by their index in the <see cref="InstrumentCatalog"/>.
/// A bitset, so membership on the broadcast path is one shift and one mask, and two connections
/// with the same symbols can share one serialized batch (equal sets are equal keys).
/// </summary>
public sealed class SymbolSet : IEquatable<SymbolSet>
{
    private readonly ulong[] _bits;

    private SymbolSet(ulong[] bits)
    {
        _bits = bits;
        Count = 0;
        foreach (var word in bits)
        {
            Count += BitOperations.PopCount(word);
        }
    }

    public static SymbolSet Empty(int capacity) => new(new ulong[Words(capacity)]);

    public static SymbolSet Of(int capacity, IEnumerable<int> indices)
    {
        var bits = new ulong[Words(capacity)];
        foreach (var index in indices)
        {
            bits[index >> 6] |= 1UL << (index & 63);
        }
        return new SymbolSet(bits);
    }

    public int Count { get; }

    public bool IsEmpty => Count == 0;

    public bool Contains(int index) => (uint)(index >> 6) < (uint)_bits.Length && (_bits[index >> 6] & (1UL << (index & 63))) != 0;

    public SymbolSet Union(SymbolSet other) => Combine(other, static (a, b) => a | b);

    public SymbolSet Except(SymbolSet other) => Combine(other, static (a, b) => a & ~b);

    /// <summary>The indices in ascending order.</summary>
    public IEnumerable<int> Indices()
    {
        for (var w = 0; w < _bits.Length; w++)
        {
            var word = _bits[w];
            while (word != 0)
            {
                var bit = BitOperations.TrailingZeroCount(word);
                yield return (w << 6) + bit;
                word &= word - 1;
            }
        }
    }

    public bool Equals(SymbolSet? other) => other is not null && _bits.AsSpan().SequenceEqual(other._bits);

    public override bool Equals(object? obj) => Equals(obj as SymbolSet);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_bits.AsSpan()));
        return hash.ToHashCode();
    }

    private SymbolSet Combine(SymbolSet other, Func<ulong, ulong, ulong> op)
    {
        var bits = new ulong[Math.Max(_bits.Length, other._bits.Length)];
        for (var i = 0; i < bits.Length; i++)
        {
            var a = i < _bits.Length ? _bits[i] : 0;
            var b = i < other._bits.Length ? other._bits[i] : 0;
            bits[i] = op(a, b);
        }
        return new SymbolSet(bits);
    }

    private static int Words(int capacity) => Math.Max(1, (capacity + 63) >> 6);
}
