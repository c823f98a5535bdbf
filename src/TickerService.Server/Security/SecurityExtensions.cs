using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using TickerService.Configuration;
using TickerService.Server.Health;
using TickerService.Server.Observability;

namespace TickerService.Server.Security;

public static class SecurityExtensions
{
    /// <summary>The rate-limiting policy of the HTTP API.</summary>
    public const string ApiRateLimit = "api";

    /// <summary>
    /// The limits a stranger meets: requests a minute per client address on the HTTP API (429
    /// with problem details and Retry-After past it), the size of a hub message, and which proxies
    /// may say who the client is.
    /// </summary>
    public static IServiceCollection AddTickerSecurity(this IServiceCollection services)
    {
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<TickerOptions>>((forwarded, ticker) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var network in ticker.Value.TrustedProxies)
            {
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });

        // The global hub options: the per-hub HubOptions<T> are only read when set through AddHubOptions.
        services.AddOptions<HubOptions>().Configure<IOptions<TickerOptions>>((hub, ticker) =>
            hub.MaximumReceiveMessageSize = ticker.Value.Limits.MaxHubMessageBytes);

        services.AddSingleton<OriginPolicy>();

        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<TickerOptions>>((limiter, ticker) =>
        {
            var perMinute = ticker.Value.Limits.RequestsPerMinute;
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(ApiRateLimit, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress ?? IPAddress.None,
                _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var response = rejected.HttpContext.Response;
                if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                await TypedResults.Problem(
                    title: "Too many requests",
                    detail: $"At most {perMinute} requests a minute from one address (Ticker:Limits:RequestsPerMinute); retry after the time in Retry-After.",
                    statusCode: StatusCodes.Status429TooManyRequests).ExecuteAsync(rejected.HttpContext);
            };
        });
        return services;
    }

    /// <summary>
    /// Forwarded headers first (the client's real address and scheme), then, outside development,
    /// HSTS and a redirect to HTTPS when the service has an HTTPS port to send clients to.
    /// </summary>
    public static WebApplication UseTickerSecurity(this WebApplication app)
    {
        app.UseForwardedHeaders();
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
            // Without an HTTPS port the redirect does nothing but log a warning on every start;
            // plain HTTP behind a TLS-terminating proxy is the usual case for a container.
            // Probes and scrapers call over plain HTTP from inside the network: they are answered.
            var httpsPort = new Lazy<bool>(() => HasHttpsPort(app));
            app.UseWhen(context => httpsPort.Value && !IsProbe(context.Request.Path), https => https.UseHttpsRedirection());
        }
        app.UseRateLimiter();
        app.UseOriginCheck();
        return app;
    }

    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments(HealthExtensions.LivenessPath)
        || path.StartsWithSegments(HealthExtensions.ReadinessPath)
        || path.StartsWithSegments(ObservabilityExtensions.MetricsPath);

    private static readonly string[] HttpsPortKeys = ["HTTPS_PORT", "HTTPS_PORTS", "ANCM_HTTPS_PORT"];

    // What HttpsRedirectionMiddleware looks at: the configured port, or an https address the
    // server listens on (known once it has started, so this is asked at the first request).
    private static bool HasHttpsPort(WebApplication app) =>
        HttpsPortKeys.Any(key => !string.IsNullOrWhiteSpace(app.Configuration[key]))
        || app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses
            .Any(address => address.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) == true;
}
