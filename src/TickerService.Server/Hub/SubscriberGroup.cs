using TickerService.Market;

namespace TickerService.Server.Hub;

/// <summary>
/// The connections subscribed to exactly the same symbols. They share one message per tick,
/// built once per wire format their members use, however many they are. Members are a
/// copy-on-write array: the fan-out reads it without a lock while subscriptions change.
/// </summary>
internal sealed class SubscriberGroup(SymbolSet symbols, int formatCount)
{
    private ConnectionOutbox[] _members = [];
    private readonly int[] _membersByFormat = new int[formatCount];

    // This tick's quotes for the group, as positions in the batch: written by the fan-out loop only.
    private int[] _positions = new int[Math.Clamp(symbols.Count, 1, 64)];
    private int _count;
    private long _tick;

    public SymbolSet Symbols { get; } = symbols;

    public ConnectionOutbox[] Members => Volatile.Read(ref _members);

    /// <summary>
    /// The formats (a bit per <see cref="WireFormat.Index"/>) the members read when this tick first
    /// selected the group: what its quotes are serialized in and its message is built in. Taken
    /// once a tick, so a member joining mid-tick in a new format cannot ask for a piece nobody
    /// serialized (its outbox serializes for itself, as for any message without its format).
    /// </summary>
    public int Formats { get; private set; }

    /// <summary>This tick's quotes for the group, as positions in the batch, in batch order.</summary>
    public ReadOnlySpan<int> Selected => _positions.AsSpan(0, _count);

    /// <summary>This tick's message; built by the fan-out once it knows <see cref="Selected"/>.</summary>
    public OutgoingMessage? Message { get; set; }

    // Add and Remove run under the registry's lock.
    public void Add(ConnectionOutbox outbox)
    {
        Volatile.Write(ref _members, [.. _members, outbox]);
        Interlocked.Increment(ref _membersByFormat[outbox.Format.Index]);
    }

    public void Remove(ConnectionOutbox outbox)
    {
        Volatile.Write(ref _members, Array.FindAll(_members, m => m != outbox));
        Interlocked.Decrement(ref _membersByFormat[outbox.Format.Index]);
    }

    /// <summary>
    /// Adds the quote at <paramref name="position"/> of tick <paramref name="tick"/>'s batch to the
    /// group's selection; true when it is the group's first quote of that tick.
    /// </summary>
    public bool Select(long tick, int position)
    {
        var first = _tick != tick;
        if (first)
        {
            _tick = tick;
            _count = 0;
            Message = null;
            var formats = 0;
            for (var index = 0; index < _membersByFormat.Length; index++)
            {
                formats |= Volatile.Read(ref _membersByFormat[index]) > 0 ? 1 << index : 0;
            }
            Formats = formats;
        }
        if (_count == _positions.Length)
        {
            Array.Resize(ref _positions, _positions.Length * 2);
        }
        _positions[_count++] = position;
        return first;
    }
}
