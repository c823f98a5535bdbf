using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using TickerService.Configuration;
using TickerService.Market;
using TickerService.Pipelines;

namespace TickerService.Server.Health;

/// <summary>
/// Ready while the feed ticks: an open market must have published within a few tick intervals.
/// Whether the market is open is what the feed last said (this node's simulator, or the leader's
/// through the cluster's bus); before it said anything, the local simulator's state.
/// </summary>
internal sealed class FeedHealthCheck(QuoteFeed feed, SimulatedMarket market, TimeProvider time, IOptions<TickerOptions> options) : IHealthCheck
{
    // How many tick intervals may pass without a quote before the feed counts as stalled.
    private const int MissedTicks = 20;
    private static readonly TimeSpan MinimumGrace = TimeSpan.FromSeconds(5);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var feedOptions = options.Value.Feed;
        if (feedOptions.Mode != FeedMode.Simulator)
        {
            // Replay mode has its own check (ReplayFeedHealthCheck): a recording may pause for hours.
            return Task.FromResult(HealthCheckResult.Healthy($"Feed mode {feedOptions.Mode}: ticks come from outside the schedule."));
        }
        // The feed's own word first: on a cluster's follower the local simulator stands idle, and
        // only the session events and quotes from the leader say whether the market is open.
        if (!(feed.LastSession is { } session ? session == SessionState.Open : market.IsOpen))
        {
            return Task.FromResult(HealthCheckResult.Healthy("Market closed."));
        }

        var grace = feedOptions.TickInterval * MissedTicks;
        grace = grace < MinimumGrace ? MinimumGrace : grace;
        var last = feed.LastPublishedAt;
        var age = last is null ? (TimeSpan?)null : time.GetUtcNow() - last.Value;
        return Task.FromResult(age is { } a && a <= grace
            ? HealthCheckResult.Healthy($"Last quote {a.TotalMilliseconds:F0} ms ago.")
            : HealthCheckResult.Unhealthy(age is null ? "No quote published yet." : $"No quote for {age.Value.TotalSeconds:F1} s (allowed {grace.TotalSeconds:F1} s)."));
    }
}
