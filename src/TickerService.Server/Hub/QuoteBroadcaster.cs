using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using TickerService.Market;
using TickerService.Pipelines;
using TickerService.Server.Observability;

namespace TickerService.Server.Hub;

/// <summary>
/// Fans every tick out to the subscribed connections. The feed only queues the batch and returns,
/// so it never waits on a client; one loop fans the batches out in order. Connections with the
/// same symbols form a <see cref="SubscriberGroup"/> that shares one serialized message per
/// protocol; each connection's <see cref="ConnectionOutbox"/> keeps a slow reader from holding
/// up the rest.
/// </summary>
public sealed partial class QuoteBroadcaster : IQuoteConsumer, IDisposable
{
    private readonly InstrumentCatalog _catalog;
    private readonly TickerMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<QuoteBroadcaster> _logger;

    // The loop never waits on a client, so the queue stays short; should the CPU fall behind the
    // feed this far, the queued ticks are merged into newest-per-symbol so memory stays bounded.
    internal const int MaxQueuedBatches = 1024;

    private readonly Lock _pendingGate = new();
    // Batches (IReadOnlyList<Quote>) and session events (SessionEvent), in the order published.
    private readonly Queue<object> _pending = new();
    private readonly LatestQuoteBuffer _overflow;
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    private readonly Lock _registryGate = new();
    private readonly Dictionary<string, ConnectionOutbox> _connections = new(StringComparer.Ordinal);
    private readonly Dictionary<SymbolSet, SubscriberGroup> _groupsBySymbols = [];
    private SubscriberGroup[] _groups = [];
    private int _disposed;

    public QuoteBroadcaster(InstrumentCatalog catalog, TickerMetrics metrics, TimeProvider time, ILogger<QuoteBroadcaster> logger)
    {
        _catalog = catalog;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _overflow = new LatestQuoteBuffer(catalog);
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

    // Called on the feed's thread: queue and return.
    public void OnQuotes(IReadOnlyList<Quote> batch)
    {
        lock (_pendingGate)
        {
            _pending.Enqueue(batch);
            if (_pending.Count > MaxQueuedBatches)
            {
                MergeQueue();
            }
        }
        Wake();
    }

    public void OnSession(SessionEvent session)
    {
        lock (_pendingGate)
        {
            _pending.Enqueue(session);
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

    /// <summary>Every connection's subscription, for diagnostics and tests.</summary>
    public IReadOnlyList<SymbolSet> Subscriptions()
    {
        lock (_registryGate)
        {
            return [.. _connections.Values.Select(c => c.Symbols)];
        }
    }

    public SymbolSet SubscriptionOf(string connectionId)
    {
        lock (_registryGate)
        {
            return Outbox(connectionId).Symbols;
        }
    }

    // Idempotent: the container disposes this instance once as itself and once as an IQuoteConsumer.
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
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

            while (TryTake(out var item))
            {
                try
                {
                    if (item is SessionEvent session)
                    {
                        FanOutSession(session);
                    }
                    else if (item is IReadOnlyList<Quote> batch)
                    {
                        FanOut(batch as Quote[] ?? [.. batch]);
                    }
                }
                catch (Exception exception)
                {
                    LogFanOutFailed(exception);
                }
            }
        }
    }

    private bool TryTake(out object? item)
    {
        lock (_pendingGate)
        {
            return _pending.TryDequeue(out item);
        }
    }

    // Pending lock held. Keeps the newest quote per symbol of everything queued, as one batch,
    // after the newest session event.
    private void MergeQueue()
    {
        var queued = 0L;
        SessionEvent? lastSession = null;
        while (_pending.TryDequeue(out var item))
        {
            if (item is SessionEvent session)
            {
                lastSession = session;
                continue;
            }
            foreach (var quote in (IReadOnlyList<Quote>)item)
            {
                _overflow.Put(quote);
                queued++;
            }
        }
        var merged = _overflow.Drain();
        Counters.AddConflated(queued - merged.Length);
        if (lastSession is not null)
        {
            _pending.Enqueue(lastSession);
        }
        _pending.Enqueue(merged);
        LogFellBehind(queued, merged.Length);
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
        _metrics.RecordBroadcastLatency(_time.GetUtcNow().UtcDateTime - batch[0].Timestamp);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Broadcast fell more than MaxQueuedBatches ticks behind the feed: {Queued} queued quotes merged into the newest {Kept}")]
    private partial void LogFellBehind(long queued, int kept);

    [LoggerMessage(Level = LogLevel.Error, Message = "Fanning out a tick failed; the next tick goes out as usual")]
    private partial void LogFanOutFailed(Exception exception);
}
