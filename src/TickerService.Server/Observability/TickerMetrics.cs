using System.Diagnostics.Metrics;
using TickerService.Pipelines;
using TickerService.Server.Hub;
using TickerService.Server.Recording;

namespace TickerService.Server.Observability;

/// <summary>
/// The service's own instruments, on the <c>TickerService</c> meter. Counts the hot path already
/// keeps (published, delivered, conflated, connections) are observed when a collector reads them,
/// so metrics add nothing per quote or per client; only the broadcast latency is recorded, once a tick.
/// </summary>
public sealed class TickerMetrics
{
    public const string MeterName = "TickerService";

    private readonly Meter _meter;
    private readonly Histogram<double> _broadcastLatency;
    private Histogram<double>? _busLag;

    public TickerMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _broadcastLatency = _meter.CreateHistogram<double>(
            "ticker.broadcast.latency", "ms", "From a quote's timestamp until its tick has been handed to every subscribed connection.");
    }

    public void RecordBroadcastLatency(TimeSpan latency) => _broadcastLatency.Record(latency.TotalMilliseconds);

    /// <summary>From the leader's append to this node's feed, once per bus entry.</summary>
    public void RecordBusLag(TimeSpan lag) => _busLag?.Record(lag.TotalMilliseconds);

    /// <summary>The node's role, the lease's epoch, takeovers and the bus's lag; called once.</summary>
    internal void ObserveCluster(Cluster.ClusterState state)
    {
        _busLag = _meter.CreateHistogram<double>("ticker.cluster.bus.lag", "ms", "From the leader's append to the quote bus until this node's feed published the entry.");
        _meter.CreateObservableGauge("ticker.cluster.leader", () => state.IsLeader ? 1 : 0, null, "1 while this node leads the cluster (produces the quotes).");
        _meter.CreateObservableGauge("ticker.cluster.epoch", () => state.Status.Epoch, null, "The lease's epoch (fencing token) this node knows.");
        _meter.CreateObservableCounter("ticker.cluster.takeovers", () => state.Takeovers, "{takeover}", "Times this node took the lease.");
    }

    /// <summary>Observes the feed and the broadcaster; called once, when both exist.</summary>
    internal void Observe(QuoteFeed feed, QuoteBroadcaster broadcaster, QuoteRecorder recorder)
    {
        _meter.CreateObservableCounter("ticker.recorder.written", () => recorder.Status.Written, "{quote}", "Quotes written to the recording.");
        _meter.CreateObservableGauge("ticker.recorder.queued", () => recorder.Status.Queued, "{quote}", "Quotes waiting to be written: the recorder's lag.");
        _meter.CreateObservableCounter("ticker.recorder.dropped", () => recorder.Status.Dropped, "{quote}", "Quotes not recorded because the queue was full while the disk failed.");
        _meter.CreateObservableGauge("ticker.recorder.failing", () => recorder.Status.Healthy ? 0 : 1, null, "1 while the recording database cannot be written.");
        _meter.CreateObservableCounter("ticker.quotes.published", () => feed.PublishedCount, "{quote}", "Quotes the feed published.");
        _meter.CreateObservableCounter("ticker.quotes.delivered", () => broadcaster.Counters.Delivered, "{quote}", "Quotes handed to connections (one quote to ten connections counts ten).");
        _meter.CreateObservableCounter("ticker.quotes.conflated", () => broadcaster.Counters.Conflated, "{quote}", "Quotes a slow connection never saw because a newer one replaced them.");
        _meter.CreateObservableCounter("ticker.broadcast.messages", () => broadcaster.Counters.Messages, "{message}", "Distinct messages built for the broadcast (one per subscriber group and tick).");
        _meter.CreateObservableGauge("ticker.connections", () => broadcaster.ConnectionCount, "{connection}", "Connections to the quote hub.");
        _meter.CreateObservableGauge("ticker.connections.behind", () => broadcaster.ConnectionsBehind, "{connection}", "Connections with a write still in flight: the ones being conflated.");
        _meter.CreateObservableGauge("ticker.subscriptions", () => broadcaster.Subscriptions().Sum(s => (long)s.Count), "{subscription}", "Symbols subscribed, summed over connections.");
    }
}
