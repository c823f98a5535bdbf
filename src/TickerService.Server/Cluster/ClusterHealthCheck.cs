using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace TickerService.Server.Cluster;

/// <summary>Ready only while the node reaches the quote bus: without it, it has no quotes to serve.</summary>
internal sealed class ClusterHealthCheck(BusConnections connections, ClusterState state) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var ping = await connections.Commands.GetDatabase().PingAsync().WaitAsync(Timeout, cancellationToken).ConfigureAwait(false);
            var status = state.Status;
            return HealthCheckResult.Healthy($"Quote bus answers in {ping.TotalMilliseconds:F1} ms; {status.Role}, epoch {status.Epoch}.");
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("The quote bus (Redis) does not answer.", exception);
        }
    }
}
