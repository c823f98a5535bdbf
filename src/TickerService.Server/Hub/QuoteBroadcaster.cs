using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;
using TickerService.Market;
using TickerService.Pipelines;
using TickerService.Server.Observability;

namespace TickerService.Server.Hub;

/// <summary>
/// Fans every tick out to the subscribed connections. The feed only queues the tick
/// (<see cref="TickQueue"/>) and returns, so it never waits on a client; one loop hands the ticks,
/// in order, to the <see cref="TickFanOut"/>, which finds the subscribers through the
/// <see cref="SubscriptionRegistry"/>. Each connection's <see cref="ConnectionOutbox"/> keeps a
/// slow reader from holding up the rest.
/// </summary>
public sealed partial class QuoteBroadcaster : IQuoteConsumer, IDisposable
{
    private readonly WireFormats _formats;
    private readonly InstrumentCatalog _catalog;
    private readonly TickerMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<QuoteBroadcaster> _logger;
    private readonly SubscriptionRegistry _registry;
    private readonly TickFanOut _fanOut;
    private readonly TickQueue _queue;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private int _disposed;

    public QuoteBroadcaster(
        IEnumerable<IHubProtocol> protocols,
        IOptions<JsonHubProtocolOptions> jsonOptions,
        IOptions<MessagePackHubProtocolOptions> messagePackOptions,
        InstrumentCatalog catalog,
        TickerMetrics metrics,
        TimeProvider time,
        ILogger<QuoteBroadcaster> logger)
    {
        _formats = new WireFormats(protocols, jsonOptions, messagePackOptions);
        _catalog = catalog;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _registry = new SubscriptionRegistry(catalog, _formats);
        _fanOut = new TickFanOut(_registry, _formats, catalog, Counters, Environment.ProcessorCount);
        _queue = new TickQueue(catalog);
        _queue.Merged += (queued, kept) =>
        {
            Counters.AddConflated(queued - kept);
            LogFellBehind(queued, kept);
        };
        _loop = Task.Run(FanOutLoopAsync);
    }

    public BroadcastCounters Counters { get; } = new();

    /// <summary>Connections currently registered.</summary>
    public int ConnectionCount => _registry.Count;

    /// <summary>Connections with a write still in flight: the ones being conflated.</summary>
    public int ConnectionsBehind => _registry.Behind;

    // Called on the feed's thread: queue and return.
    public void OnQuotes(IReadOnlyList<Quote> batch) => _queue.Add(batch);

    public void OnSession(SessionEvent session) => _queue.Add(session);

    internal void Register(HubConnectionContext connection) =>
        _registry.Add(connection.ConnectionId, new HubConnectionOutbox(connection, _formats, _catalog, Counters));

    /// <summary>A plain WebSocket or SSE client (SPEC section 10): it joins the same fan-out as the hub's connections.</summary>
    internal void Register(string connectionId, Plain.PlainChannel channel) =>
        _registry.Add(connectionId, new Plain.PlainOutbox(channel, _formats.Plain, _formats.All, _catalog, Counters));

    /// <summary>The plain clients' format, for what they get outside the fan-out (snapshots).</summary>
    internal PlainJsonFormat PlainFormat => _formats.Plain;

    internal void Unregister(string connectionId) => _registry.Remove(connectionId);

    /// <summary>Adds symbols to a connection's subscription; returns its whole subscription.</summary>
    /// <exception cref="ClientRequestException">The connection would hold more than <paramref name="limit"/> symbols.</exception>
    public SymbolSet Subscribe(string connectionId, SymbolSet symbols, int limit) => _registry.Subscribe(connectionId, symbols, limit);

    /// <summary>The connection's outbox, or null once it is gone.</summary>
    internal ConnectionOutbox? Outbox(string connectionId) => _registry.Find(connectionId);

    public SymbolSet Unsubscribe(string connectionId, SymbolSet symbols) => _registry.Unsubscribe(connectionId, symbols);

    /// <summary>Every connection's subscription, for diagnostics and tests.</summary>
    public IReadOnlyList<SymbolSet> Subscriptions() => _registry.Subscriptions();

    // Idempotent: the container disposes this instance once as itself and once as an IQuoteConsumer.
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        _queue.Complete();
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
    }

    private async Task FanOutLoopAsync()
    {
        try
        {
            await foreach (var item in _queue.ReadAllAsync(_stopping.Token).ConfigureAwait(false))
            {
                try
                {
                    if (item is SessionEvent session)
                    {
                        FanOutSession(session);
                    }
                    else if (item is IReadOnlyList<Quote> { Count: > 0 } batch)
                    {
                        _fanOut.FanOut(batch as Quote[] ?? [.. batch]);
                        _metrics.RecordBroadcastLatency(_time.GetUtcNow().UtcDateTime - batch[0].Timestamp);
                    }
                }
                catch (Exception exception)
                {
                    LogFanOutFailed(exception);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private void FanOutSession(SessionEvent session)
    {
        var bytes = new byte[]?[_formats.All.Count];
        foreach (var format in _formats.All)
        {
            bytes[format.Index] = format.SessionMessage(session);
        }
        var message = new OutgoingMessage(bytes, _formats.All);
        foreach (var outbox in _registry.Everyone())
        {
            outbox.SendSession(message, session);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Broadcast fell more than TickQueue.MaxQueued ticks behind the feed: {Queued} queued quotes merged into the newest {Kept}")]
    private partial void LogFellBehind(long queued, int kept);

    [LoggerMessage(Level = LogLevel.Error, Message = "Fanning out a tick failed; the next tick goes out as usual")]
    private partial void LogFanOutFailed(Exception exception);
}
