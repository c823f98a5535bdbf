using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using TickerService.Configuration;

namespace TickerService.Server.Replay;

/// <summary>
/// In replay mode, ready while the recording plays (or has played out); not ready once reading it
/// failed. A recording that cannot be served at all stops the start instead (see <see cref="ReplayRecording"/>).
/// </summary>
/// <remarks>
/// The replay source is resolved only in replay mode: building it reads the recording, which the
/// simulator's modes have no use for.
/// </remarks>
internal sealed class ReplayFeedHealthCheck(IServiceProvider services, IOptions<TickerOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (options.Value.Feed.Mode != FeedMode.Replay)
        {
            return Task.FromResult(HealthCheckResult.Healthy("The feed is not a replay."));
        }
        var source = services.GetRequiredService<ReplayQuoteSource>();
        if (source.Error is { } error)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"The replayed feed stopped: {error}"));
        }
        return Task.FromResult(HealthCheckResult.Healthy(source.Finished
            ? $"The recording played out after {source.Passes} pass(es)."
            : $"Replaying; {source.Passes} pass(es) completed."));
    }
}
