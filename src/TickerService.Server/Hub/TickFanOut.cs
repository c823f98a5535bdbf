using TickerService.Market;

namespace TickerService.Server.Hub;

/// <summary>
/// One tick to every subscribed connection, at a cost that follows what is delivered: the index
/// gives each quote's groups, each quote someone wants is serialized once per wire format in use,
/// each group's message is composed from those pieces, and the sends are spread over the cores.
/// Called by one loop, one tick at a time: a tick's writes are all handed out before the next
/// tick starts, so every connection gets its ticks in order whichever core sent them.
/// </summary>
internal sealed class TickFanOut(SubscriptionRegistry registry, WireFormats formats, InstrumentCatalog catalog, BroadcastCounters counters, int parallelism)
{
    private readonly ParallelOptions _parallel = new() { MaxDegreeOfParallelism = parallelism };

    // Below these, spreading the work over cores costs more than it saves.
    private const int ParallelGroups = 64;
    private const int SliceMembers = 128;

    private readonly QuotePieces _pieces = new(formats.All.Count);
    private readonly List<SubscriberGroup> _touched = [];
    private readonly List<(SubscriberGroup Group, ConnectionOutbox[] Members, int From, int To)> _slices = [];
    private int[] _wanted = new int[64];
    private int[] _formats = new int[64]; // per batch position: the formats its subscribers read
    private long _tick;

    public void FanOut(Quote[] batch)
    {
        _tick++;
        counters.AddBatch();

        // Which groups get which quotes: one index lookup per quote.
        if (_wanted.Length < batch.Length)
        {
            _wanted = new int[batch.Length];
            _formats = new int[batch.Length];
        }
        var wanted = 0;
        _touched.Clear();
        for (var position = 0; position < batch.Length; position++)
        {
            if (!catalog.TryGetIndex(batch[position].Symbol, out var index))
            {
                continue;
            }
            var groups = registry.GroupsOf(index);
            if (groups.Length == 0)
            {
                continue;
            }
            _wanted[wanted++] = position;
            var formatsWanted = 0;
            foreach (var group in groups)
            {
                if (group.Select(_tick, position))
                {
                    _touched.Add(group);
                }
                formatsWanted |= group.Formats;
            }
            _formats[position] = formatsWanted;
        }
        if (_touched.Count == 0)
        {
            return;
        }

        // Each wanted quote serialized once in each format its subscribers read.
        counters.AddSerialized(_pieces.Serialize(batch, _wanted.AsSpan(0, wanted), formats.All, _formats));

        // Each group's message, then the sends, in slices so that one big group spreads too.
        if (parallelism > 1 && _touched.Count >= ParallelGroups)
        {
            Parallel.For(0, _touched.Count, _parallel, i => Compose(_touched[i]));
        }
        else
        {
            foreach (var group in _touched)
            {
                Compose(group);
            }
        }
        _slices.Clear();
        var members = 0;
        foreach (var group in _touched)
        {
            // One read of the members per tick: slices of the same array, whatever joins or leaves meanwhile.
            var groupMembers = group.Members;
            for (var from = 0; from < groupMembers.Length; from += SliceMembers)
            {
                _slices.Add((group, groupMembers, from, Math.Min(groupMembers.Length, from + SliceMembers)));
            }
            members += groupMembers.Length;
        }
        if (parallelism > 1 && members > SliceMembers)
        {
            Parallel.For(0, _slices.Count, _parallel, i => Send(_slices[i]));
        }
        else
        {
            foreach (var slice in _slices)
            {
                Send(slice);
            }
        }
    }

    private void Compose(SubscriberGroup group)
    {
        var selected = group.Selected;
        var bytes = new byte[]?[formats.All.Count];
        foreach (var format in formats.All)
        {
            if ((group.Formats & (1 << format.Index)) != 0)
            {
                var message = new byte[format.QuotesMessageLength(selected.Length, _pieces.LengthOf(format, selected))];
                format.WriteQuotesMessage(_pieces, selected, message);
                bytes[format.Index] = message;
            }
        }
        group.Message = new OutgoingMessage(bytes, formats.All);
        counters.AddMessage();
    }

    private void Send((SubscriberGroup Group, ConnectionOutbox[] Members, int From, int To) slice)
    {
        var (group, members, from, to) = slice;
        var message = group.Message!;
        var selected = group.Selected;
        for (var i = from; i < to; i++)
        {
            members[i].Send(_tick, message, _pieces.Batch, selected);
        }
        counters.AddDelivered((long)selected.Length * (to - from));
    }
}
