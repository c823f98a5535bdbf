using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using TickerService.Market;
using TickerService.Pipelines;

namespace TickerService.Server.Hub;

/// <summary>
/// The way out to one connection. At most one write is in flight: while the connection drains it
/// (a slow network, a stalled reader), new quotes wait in a <see cref="LatestQuoteBuffer"/>, one
/// per symbol, the newest. So the broadcaster never waits on this connection, and what waits for
/// it is bounded by the number of instruments, however long it stalls. A connection that keeps
/// up takes the shared, already-serialized message and costs no allocation of its own.
/// </summary>
internal sealed class ConnectionOutbox(HubConnectionContext connection, InstrumentCatalog catalog, BroadcastCounters counters)
{
    private readonly Lock _gate = new();
    private LatestQuoteBuffer? _backlog;
    private SessionEvent? _pendingSession;
    private bool _writing;
    private SymbolSet _symbols = SymbolSet.Empty(catalog.Count);

    public string ConnectionId => connection.ConnectionId;

    public HubConnectionContext Connection => connection;

    /// <summary>What this connection is subscribed to. Written under the broadcaster's registry lock.</summary>
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

    /// <summary>Called by the broadcaster only, one tick at a time.</summary>
    public void Send(SerializedHubMessage message, Quote[] quotes)
    {
        lock (_gate)
        {
            if (_writing)
            {
                Conflate(quotes);
                return;
            }
            _writing = true;
        }
        Write(message);
    }

    /// <summary>A session change; a connection that is behind gets the latest one before its quotes.</summary>
    public void SendSession(SerializedHubMessage message, SessionEvent session)
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

    private void Write(SerializedHubMessage message)
    {
        ValueTask write;
        try
        {
            write = connection.WriteAsync(message);
        }
        catch (Exception)
        {
            // A connection torn down mid-write; the next members of the group must still get theirs.
            lock (_gate)
            {
                _writing = false;
            }
            return;
        }
        if (write.IsCompletedSuccessfully)
        {
            // Only the broadcaster's thread adds to the backlog, and it is here: nothing can be waiting.
            lock (_gate)
            {
                _writing = false;
            }
            return;
        }
        _ = DrainAfterAsync(write);
    }

    private void Conflate(Quote[] quotes)
    {
        _backlog ??= new LatestQuoteBuffer(catalog);
        var before = _backlog.Conflated;
        var symbols = Symbols;
        foreach (var quote in quotes)
        {
            _backlog.Put(quote, symbols);
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

            HubMessage next;
            lock (_gate)
            {
                if (_pendingSession is { } session)
                {
                    _pendingSession = null;
                    next = new InvocationMessage(ClientMethods.Session, [session]);
                }
                else if (_backlog is { Count: > 0 })
                {
                    // Only a connection that fell behind pays for serializing its own batch.
                    next = new InvocationMessage(ClientMethods.Quotes, [_backlog.Drain()]);
                }
                else
                {
                    _writing = false;
                    return;
                }
            }
            try
            {
                write = connection.WriteAsync(next);
            }
            catch (Exception exception)
            {
                write = ValueTask.FromException(exception);
            }
        }
    }
}
