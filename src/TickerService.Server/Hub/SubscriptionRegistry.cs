using TickerService.Market;

namespace TickerService.Server.Hub;

/// <summary>
/// Who is subscribed to what: every connection's outbox, the groups of connections with the same
/// symbols, and an index from each instrument to the groups that want it, so a tick's fan-out
/// looks up the subscribers of the quotes it carries instead of checking every group against the
/// whole tick. Changes take a lock; the fan-out reads the copy-on-write index without one.
/// </summary>
internal sealed class SubscriptionRegistry
{
    private readonly InstrumentCatalog _catalog;
    private readonly WireFormats _formats;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ConnectionOutbox> _connections = new(StringComparer.Ordinal);
    private readonly Dictionary<SymbolSet, SubscriberGroup> _groups = [];
    private readonly SubscriberGroup[][] _groupsBySymbol;

    public SubscriptionRegistry(InstrumentCatalog catalog, WireFormats formats)
    {
        _catalog = catalog;
        _formats = formats;
        _groupsBySymbol = [.. Enumerable.Range(0, catalog.Count).Select(_ => Array.Empty<SubscriberGroup>())];
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _connections.Count;
            }
        }
    }

    /// <summary>Connections with a write still in flight: the ones being conflated.</summary>
    public int Behind
    {
        get
        {
            lock (_gate)
            {
                return _connections.Values.Count(c => c.IsBehind);
            }
        }
    }

    /// <summary>The groups subscribed to the instrument at <paramref name="index"/>; lock-free, for the fan-out.</summary>
    public SubscriberGroup[] GroupsOf(int index) => Volatile.Read(ref _groupsBySymbol[index]);

    public void Add(string connectionId, ConnectionOutbox outbox)
    {
        lock (_gate)
        {
            if (_connections.Remove(connectionId, out var replaced))
            {
                Forget(replaced);
            }
            _connections.Add(connectionId, outbox);
        }
    }

    public void Remove(string connectionId)
    {
        lock (_gate)
        {
            if (_connections.Remove(connectionId, out var outbox))
            {
                Forget(outbox);
            }
        }
    }

    /// <summary>Adds symbols to a connection's subscription; returns its whole subscription.</summary>
    /// <exception cref="ClientRequestException">The connection would hold more than <paramref name="limit"/> symbols.</exception>
    public SymbolSet Subscribe(string connectionId, SymbolSet symbols, int limit)
    {
        lock (_gate)
        {
            var outbox = Outbox(connectionId);
            var union = outbox.Symbols.Union(symbols);
            if (union.Count > limit)
            {
                throw new ClientRequestException(
                    $"Too many symbols: this connection would hold {union.Count}, at most {limit} per connection. Unsubscribe from some first.");
            }
            Move(outbox, union);
            return union;
        }
    }

    public SymbolSet Unsubscribe(string connectionId, SymbolSet symbols)
    {
        lock (_gate)
        {
            var outbox = Outbox(connectionId);
            var rest = outbox.Symbols.Except(symbols);
            Move(outbox, rest);
            return rest;
        }
    }

    /// <summary>The connection's outbox (for a resume's hold), or null once it is gone.</summary>
    public ConnectionOutbox? Find(string connectionId)
    {
        lock (_gate)
        {
            return _connections.GetValueOrDefault(connectionId);
        }
    }

    /// <summary>Every connection's subscription, for diagnostics and tests.</summary>
    public IReadOnlyList<SymbolSet> Subscriptions()
    {
        lock (_gate)
        {
            return [.. _connections.Values.Select(c => c.Symbols)];
        }
    }

    /// <summary>Every connection, for what goes to all of them (session changes).</summary>
    public ConnectionOutbox[] Everyone()
    {
        lock (_gate)
        {
            return [.. _connections.Values];
        }
    }

    private ConnectionOutbox Outbox(string connectionId) =>
        _connections.TryGetValue(connectionId, out var outbox)
            ? outbox
            : throw new InvalidOperationException($"Connection {connectionId} is not registered with the broadcaster.");

    // Lock held.
    private void Forget(ConnectionOutbox outbox)
    {
        Move(outbox, SymbolSet.Empty(_catalog.Count));
    }

    // Lock held. Empty groups are dropped, so their number never exceeds the connections'.
    private void Move(ConnectionOutbox outbox, SymbolSet symbols)
    {
        if (outbox.Group is { } old)
        {
            old.Remove(outbox);
            if (old.Members.Length == 0)
            {
                _groups.Remove(old.Symbols);
                foreach (var index in old.Symbols.Indices())
                {
                    Volatile.Write(ref _groupsBySymbol[index], Array.FindAll(_groupsBySymbol[index], g => g != old));
                }
            }
        }
        outbox.Symbols = symbols;
        outbox.Group = null;
        if (symbols.IsEmpty)
        {
            return;
        }
        if (!_groups.TryGetValue(symbols, out var group))
        {
            group = new SubscriberGroup(symbols, _formats.All.Count);
            _groups.Add(symbols, group);
            foreach (var index in symbols.Indices())
            {
                Volatile.Write(ref _groupsBySymbol[index], [.. _groupsBySymbol[index], group]);
            }
        }
        // The fan-out may see the new group before its first member: then it has no one to send to.
        group.Add(outbox);
        outbox.Group = group;
    }
}
