using TickerService.Market;

namespace TickerService.Pipelines;

/// <summary>
/// Where <see cref="SimulatedMarket"/> sends what it makes: the node's own <see cref="QuoteFeed"/>
/// on a single node, or a cluster's quote bus, which only the leader may write to.
/// </summary>
public interface IQuoteOutlet
{
    /// <summary>False on a node that must not produce (a follower): the market then neither trades nor publishes.</summary>
    bool IsProducing { get; }

    void Publish(IReadOnlyList<Quote> batch);

    void PublishSession(SessionEvent session);
}
