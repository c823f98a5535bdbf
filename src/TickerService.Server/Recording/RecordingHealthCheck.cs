using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TickerService.Server.Recording;

/// <summary>Not ready while the recording database cannot be written (the live feed goes on regardless).</summary>
internal sealed class RecordingHealthCheck(QuoteRecorder recorder) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = recorder.Status;
        var data = new Dictionary<string, object>
        {
            ["written"] = status.Written,
            ["queued"] = status.Queued,
            ["dropped"] = status.Dropped,
        };
        if (!status.Enabled)
        {
            return Task.FromResult(HealthCheckResult.Healthy("Recording is off.", data));
        }
        return Task.FromResult(status.Healthy
            ? HealthCheckResult.Healthy($"Recording; {status.Written} quotes written, {status.Dropped} dropped.", data)
            : HealthCheckResult.Unhealthy(
                $"Recording fails since {status.FailingSince:O}: {status.Error} ({status.Queued} quotes queued, {status.Dropped} dropped).", data: data));
    }
}
