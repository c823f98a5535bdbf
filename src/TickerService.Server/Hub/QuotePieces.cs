using System.Buffers;
using TickerService.Market;

namespace TickerService.Server.Hub;

/// <summary>
/// One tick's quotes, each serialized once per wire format in use: the pieces every connection's
/// message is built from. Owned by the fan-out loop and reused tick after tick, so serializing
/// a tick allocates nothing once the buffers have grown to the largest tick.
/// </summary>
internal sealed class QuotePieces
{
    private readonly ArrayBufferWriter<byte>[] _bytes;
    private int[][] _start;
    private int[][] _length;

    public QuotePieces(int formats)
    {
        _bytes = [.. Enumerable.Range(0, formats).Select(_ => new ArrayBufferWriter<byte>(64 * 1024))];
        _start = [.. Enumerable.Range(0, formats).Select(_ => new int[64])];
        _length = [.. Enumerable.Range(0, formats).Select(_ => new int[64])];
    }

    public Quote[] Batch { get; private set; } = [];

    /// <summary>
    /// Serializes the quotes at <paramref name="positions"/> of <paramref name="batch"/> (the ones
    /// someone subscribed to), each in the formats its subscribers read: <paramref name="formats"/>
    /// holds a bit per <see cref="WireFormat.Index"/> for each position. A quote only JSON clients
    /// want is never written in MessagePack. Returns the number of serializations.
    /// </summary>
    public int Serialize(Quote[] batch, ReadOnlySpan<int> positions, IReadOnlyList<WireFormat> wireFormats, ReadOnlySpan<int> formats)
    {
        Batch = batch;
        var serialized = 0;
        foreach (var format in wireFormats)
        {
            var bit = 1 << format.Index;
            var bytes = _bytes[format.Index];
            bytes.ResetWrittenCount();
            if (_start[format.Index].Length < batch.Length)
            {
                _start[format.Index] = new int[batch.Length];
                _length[format.Index] = new int[batch.Length];
            }
            var start = _start[format.Index];
            var length = _length[format.Index];
            foreach (var position in positions)
            {
                if ((formats[position] & bit) == 0)
                {
                    continue;
                }
                start[position] = bytes.WrittenCount;
                format.WriteQuote(batch[position], bytes);
                length[position] = bytes.WrittenCount - start[position];
                serialized++;
            }
        }
        return serialized;
    }

    /// <summary>The bytes of the quote at <paramref name="position"/> of the batch, in <paramref name="format"/>.</summary>
    public ReadOnlySpan<byte> Of(WireFormat format, int position) =>
        _bytes[format.Index].WrittenSpan.Slice(_start[format.Index][position], _length[format.Index][position]);

    /// <summary>Total bytes of the quotes at <paramref name="positions"/>, in <paramref name="format"/>.</summary>
    public int LengthOf(WireFormat format, ReadOnlySpan<int> positions)
    {
        var length = _length[format.Index];
        var total = 0;
        foreach (var position in positions)
        {
            total += length[position];
        }
        return total;
    }
}
