using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace TickerService.Server.Health;

public static class HealthExtensions
{
    public const string Ready = "ready";
    public const string LivenessPath = "/healthz";
    public const string ReadinessPath = "/readyz";

    public static IServiceCollection AddTickerHealth(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<FeedHealthCheck>("feed", tags: [Ready]);
        return services;
    }

    /// <summary><c>/healthz</c>: the process answers. <c>/readyz</c>: the feed is ticking (and, later, recording).</summary>
    public static IEndpointRouteBuilder MapTickerHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks(LivenessPath, new HealthCheckOptions { Predicate = _ => false });
        endpoints.MapHealthChecks(ReadinessPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(Ready) });
        return endpoints;
    }
}
