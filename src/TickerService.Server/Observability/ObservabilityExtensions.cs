using OpenTelemetry.Metrics;
using TickerService.Pipelines;
using TickerService.Server.Hub;
using TickerService.Server.Recording;

namespace TickerService.Server.Observability;

public static class ObservabilityExtensions
{
    public const string MetricsPath = "/metrics";

    /// <summary>
    /// Metrics through OpenTelemetry: the service's own meter, ASP.NET Core's and SignalR's
    /// connection meters and the runtime's, scraped by Prometheus at <c>/metrics</c>, and pushed
    /// over OTLP as well when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
    /// </summary>
    public static IServiceCollection AddTickerObservability(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<TickerMetrics>();
        services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics.AddMeter(TickerMetrics.MeterName, "Microsoft.AspNetCore.Http.Connections", "Microsoft.AspNetCore.Server.Kestrel")
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter();
            if (!string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            {
                metrics.AddOtlpExporter();
            }
        });
        return services;
    }

    public static IEndpointRouteBuilder MapTickerMetrics(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        services.GetRequiredService<TickerMetrics>().Observe(
            services.GetRequiredService<QuoteFeed>(), services.GetRequiredService<QuoteBroadcaster>(), services.GetRequiredService<QuoteRecorder>());
        endpoints.MapPrometheusScrapingEndpoint(MetricsPath);
        return endpoints;
    }
}
