using TickerService.Market;
using TickerService.Pipelines;

namespace TickerService.Server.Hub;

/// <summary>
/// The way out to one connection, whatever kind it is: subclasses only write bytes
/// (<see cref="WriteAsync"/>). At most one write is in flight: while the connection drains it (a
/// slow network, a stalled reader), new quotes wait in a <see cref="LatestQuoteBuffer"/>, one per
/// symbol, the newest. So the fan-out never waits on this connection, and what waits for it is
/// bounded by the number of instruments, however long it stalls. A connection that keeps up
/// takes the shared, already-serialized message and costs no allocation of its own.
/// </summary>
internal abstract class ConnectionOutbox(WireFormat format, IReadOnlyList<WireFormat> formats, InstrumentCatalog catalog, BroadcastCounters counters)
{
    private readonly Lock _gate = new();
    private LatestQuoteBuffer? _backlog;
    private SessionEvent? _pendingSession;
    private List<Quote>? _held;
    private Dictionary<string, long>? _returned;
    private bool _writing;
    private long _lastTick;
    private SymbolSet _symbols = SymbolSet.Empty(catalog.Count);

    /// <summary>The format this connection's bytes are in.</summary>
    public WireFormat Format => format;

    /// <summary>What this connection is subscribed to. Written under the registry's lock.</summary>
    public SymbolSet Symbols
    {
        get => Volatile.Read(ref _symbols);
        set => Volatile.Write(ref _symbols, value);
    }

    /// <summary>The group of connections with the same symbols; registry lock.</summary>
    public SubscriberGroup? Group { get; set; }

    /// <summary>True while a write to this connection has not completed.</summary>
    public bool IsBehind
    {
        get
        {
            lock (_gate)
            {
                return _writing;
            }
        }
    }

    /// <summary>
    /// Tick number <paramref name="tick"/>: the shared message, or, while a write is in flight,
    /// its quotes (those at <paramref name="positions"/> of <paramref name="batch"/>) into the backlog.
    /// </summary>
    public void Send(long tick, OutgoingMessage message, Quote[] batch, ReadOnlySpan<int> positions)
    {
        var ownMessage = false;
        lock (_gate)
        {
            // A connection that changed groups mid-tick can be reached through both; once is enough.
            if (tick <= _lastTick)
            {
                return;
            }
            _lastTick = tick;
            if (_held is not null)
            {
                // A resume is under way: every quote kept, in order, for it to merge (no conflation, no gap).
                foreach (var position in positions)
                {
                    _held.Add(batch[position]);
                }
                return;
            }
            if (_returned is not null && Unreturned(batch, positions) is { } fresh)
            {
                // Some of the tick was returned by a resume: the rest goes in a message of its own.
                Conflate(batch, fresh);
                if (_writing)
                {
                    return;
                }
                _writing = true;
                ownMessage = true;
            }
            else if (_writing)
            {
                Conflate(batch, positions);
                return;
            }
            else if (message.For(format).IsEmpty)
            {
                // It joined its group after the group's message was built without its format.
                Conflate(batch, positions);
                ownMessage = true;
            }
            _writing = true;
        }
        if (ownMessage)
        {
            _ = DrainAfterAsync(ValueTask.CompletedTask);
            return;
        }
        Write(message);
    }

    /// <summary>Until <see cref="Release"/>, quotes are kept for a resume instead of sent (SPEC 11).</summary>
    public void Hold()
    {
        lock (_gate)
        {
            _held ??= [];
        }
    }

    /// <summary>
    /// Ends a <see cref="Hold"/>: the quotes kept meanwhile, in the order published; later ones go
    /// out live, except those at or below <paramref name="returned"/> (per symbol, what the resume
    /// already returned from the recording: the fan-out may reach them only now).
    /// </summary>
    public List<Quote> Release(IReadOnlyDictionary<string, long> returned)
    {
        lock (_gate)
        {
            var held = _held ?? [];
            _held = null;
            _returned = returned.Count > 0 ? new Dictionary<string, long>(returned, StringComparer.Ordinal) : null;
            return held;
        }
    }

    /// <summary>A session change; a connection that is behind gets the latest one before its quotes.</summary>
    public void SendSession(OutgoingMessage message, SessionEvent session)
    {
        lock (_gate)
        {
            if (_writing)
            {
                _pendingSession = session;
                return;
            }
            _writing = true;
        }
        Write(message);
    }

    /// <summary>Hands the message's bytes in <see cref="Format"/> to the connection; completes when it has taken them.</summary>
    protected abstract ValueTask WriteAsync(OutgoingMessage message);

    private void Write(OutgoingMessage message)
    {
        ValueTask write;
        try
        {
            write = WriteAsync(message);
        }
        catch (Exception)
        {
            // A connection torn down mid-write; the other connections must still get theirs.
            lock (_gate)
            {
                _writing = false;
            }
            return;
        }
        if (write.IsCompletedSuccessfully)
        {
            // The backlog only fills while _writing is set, and only the fan-out sets it: nothing can be waiting.
            lock (_gate)
            {
                _writing = false;
            }
            return;
        }
        _ = DrainAfterAsync(write);
    }

    // Gate held. Null when none of the tick was returned by the resume (the shared message serves);
    // otherwise the positions of the quotes that were not. A symbol leaves the filter at its first newer quote.
    private int[]? Unreturned(Quote[] batch, ReadOnlySpan<int> positions)
    {
        var filter = _returned!;
        List<int>? fresh = null;
        for (var i = 0; i < positions.Length; i++)
        {
            var quote = batch[positions[i]];
            if (filter.TryGetValue(quote.Symbol, out var returned) && quote.Sequence <= returned)
            {
                fresh ??= [.. positions[..i].ToArray()];
                continue;
            }
            filter.Remove(quote.Symbol);
            fresh?.Add(positions[i]);
        }
        if (filter.Count == 0)
        {
            _returned = null;
        }
        return fresh?.ToArray();
    }

    // Gate held.
    private void Conflate(Quote[] batch, ReadOnlySpan<int> positions)
    {
        _backlog ??= new LatestQuoteBuffer(catalog);
        var before = _backlog.Conflated;
        var symbols = Symbols;
        foreach (var position in positions)
        {
            _backlog.Put(batch[position], symbols);
        }
        counters.AddConflated(_backlog.Conflated - before);
    }

    // Waits for the write in flight, then sends what piled up meanwhile, until nothing has.
    private async Task DrainAfterAsync(ValueTask write)
    {
        while (true)
        {
            try
            {
                await write.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The connection is going away; its disconnect removes this outbox.
                lock (_gate)
                {
                    _writing = false;
                }
                return;
            }

            SessionEvent? session = null;
            Quote[]? quotes = null;
            lock (_gate)
            {
                if (_pendingSession is not null)
                {
                    session = _pendingSession;
                    _pendingSession = null;
                }
                else if (_backlog is { Count: > 0 })
                {
                    quotes = _backlog.Drain();
                }
                else
                {
                    _writing = false;
                    return;
                }
            }
            try
            {
                // Only a connection that fell behind pays for serializing its own message.
                var bytes = session is not null ? format.SessionMessage(session) : format.QuotesMessage(quotes!);
                write = WriteAsync(OutgoingMessage.Single(format, bytes, formats));
            }
            catch (Exception exception)
            {
                write = ValueTask.FromException(exception);
            }
        }
    }
}
