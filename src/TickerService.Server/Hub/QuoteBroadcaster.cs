using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using TickerService.Market;
using TickerService.Pipelines;

namespace TickerService.Server.Hub;

/// <summary>
/// Fans every tick out to the subscribed connections. The feed only hands a batch over (kept
/// newest-per-symbol until the fan-out loop takes it), so the feed never waits on a client.
/// Connections with the same symbols form a <see cref="SubscriberGroup"/> that shares one
/// serialized message per protocol; each connection's <see cref="ConnectionOutbox"/> keeps a
/// slow reader from holding up the rest.
/// </summary>
public sealed partial class QuoteBroadcaster : IQuoteConsumer, IDisposable
{
    private readonly InstrumentCatalog _catalog;
    private readonly ILogger<QuoteBroadcaster> _logger;

    private readonly Lock _pendingGate = new();
    private readonly LatestQuoteBuffer _pending;
    private SessionEvent? _pendingSession;
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    private readonly Lock _registryGate = new();
    private readonly Dictionary<string, ConnectionOutbox> _connections = new(StringComparer.Ordinal);
    private readonly Dictionary<SymbolSet, SubscriberGroup> _groupsBySymbols = [];
    private SubscriberGroup[] _groups = [];

    public QuoteBroadcaster(InstrumentCatalog catalog, ILogger<QuoteBroadcaster> logger)
    {
        _catalog = catalog;
        _logger = logger;
        _pending = new LatestQuoteBuffer(catalog);
        _loop = Task.Run(FanOutLoopAsync);
    }

    public BroadcastCounters Counters { get; } = new();

    /// <summary>Connections currently registered.</summary>
    public int ConnectionCount
    {
        get
        {
            lock (_registryGate)
            {
                return _connections.Count;
            }
        }
    }

    /// <summary>Connections with a write still in flight: the ones being conflated.</summary>
    public int ConnectionsBehind
    {
        get
        {
            lock (_registryGate)
            {
                return _connections.Values.Count(c => c.IsBehind);
            }
        }
    }

    // Called on the feed's thread: hand over and return.
    public void OnQuotes(IReadOnlyList<Quote> batch)
    {
        lock (_pendingGate)
        {
            foreach (var quote in batch)
            {
                _pending.Put(quote);
            }
        }
        Wake();
    }

    public void OnSession(SessionEvent session)
    {
        lock (_pendingGate)
        {
            _pendingSession = session;
        }
        Wake();
    }

    internal void Register(HubConnectionContext connection)
    {
        lock (_registryGate)
        {
            _connections[connection.ConnectionId] = new ConnectionOutbox(connection, _catalog, Counters);
        }
    }

    internal void Unregister(string connectionId)
    {
        lock (_registryGate)
        {
            if (_connections.Remove(connectionId, out var outbox))
            {
                Move(outbox, SymbolSet.Empty(_catalog.Count));
            }
        }
    }

    /// <summary>Adds symbols to a connection's subscription; returns its whole subscription.</summary>
    /// <exception cref="ClientRequestException">The connection would hold more than <paramref name="limit"/> symbols.</exception>
    public SymbolSet Subscribe(string connectionId, SymbolSet symbols, int limit)
    {
        lock (_registryGate)
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
        lock (_registryGate)
        {
            var outbox = Outbox(connectionId);
            var rest = outbox.Symbols.Except(symbols);
            Move(outbox, rest);
            return rest;
        }
    }

    public SymbolSet SubscriptionOf(string connectionId)
    {
        lock (_registryGate)
        {
            return Outbox(connectionId).Symbols;
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Cancelled, as asked.
        }
        _stopping.Dispose();
        _signal.Dispose();
    }

    private ConnectionOutbox Outbox(string connectionId) =>
        _connections.TryGetValue(connectionId, out var outbox)
            ? outbox
            : throw new InvalidOperationException($"Connection {connectionId} is not registered with the broadcaster.");

    // Registry lock held. Empty groups are dropped, so their number never exceeds the connections'.
    private void Move(ConnectionOutbox outbox, SymbolSet symbols)
    {
        var changed = false;
        if (outbox.Group is { } old)
        {
            old.Remove(outbox);
            if (old.Members.Length == 0)
            {
                _groupsBySymbols.Remove(old.Symbols);
                changed = true;
            }
        }
        outbox.Symbols = symbols;
        outbox.Group = null;
        if (!symbols.IsEmpty)
        {
            if (!_groupsBySymbols.TryGetValue(symbols, out var group))
            {
                group = new SubscriberGroup(symbols);
                _groupsBySymbols.Add(symbols, group);
                changed = true;
            }
            group.Add(outbox);
            outbox.Group = group;
        }
        if (changed)
        {
            Volatile.Write(ref _groups, [.. _groupsBySymbols.Values]);
        }
    }

    private void Wake()
    {
        // Only the feed releases, one call at a time, so the check cannot race another release.
        if (_signal.CurrentCount == 0)
        {
            _signal.Release();
        }
    }

    private async Task FanOutLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            Quote[] batch;
            SessionEvent? session;
            lock (_pendingGate)
            {
                batch = _pending.Drain();
                session = _pendingSession;
                _pendingSession = null;
            }

            try
            {
                if (session is not null)
                {
                    FanOutSession(session);
                }
                if (batch.Length > 0)
                {
                    FanOut(batch);
                }
            }
            catch (Exception exception)
            {
                LogFanOutFailed(exception);
            }
        }
    }

    private void FanOut(Quote[] batch)
    {
        var indices = new int[batch.Length];
        for (var i = 0; i < batch.Length; i++)
        {
            _catalog.TryGetIndex(batch[i].Symbol, out indices[i]);
        }

        Counters.AddBatch();
        foreach (var group in Volatile.Read(ref _groups))
        {
            var members = group.Members;
            if (members.Length == 0)
            {
                continue;
            }
            var quotes = group.Select(batch, indices);
            if (quotes.Length == 0)
            {
                continue;
            }
            var message = SubscriberGroup.Message(quotes);
            Counters.AddMessage();
            foreach (var member in members)
            {
                member.Send(message, quotes);
            }
            Counters.AddDelivered((long)quotes.Length * members.Length);
        }
    }

    private void FanOutSession(SessionEvent session)
    {
        var message = new SerializedHubMessage(new InvocationMessage(ClientMethods.Session, [session]));
        ConnectionOutbox[] everyone;
        lock (_registryGate)
        {
            everyone = [.. _connections.Values];
        }
        foreach (var outbox in everyone)
        {
            outbox.SendSession(message, session);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Fanning out a tick failed; the next tick goes out as usual")]
    private partial void LogFanOutFailed(Exception exception);
}
