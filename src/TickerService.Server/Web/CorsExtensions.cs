using Microsoft.Extensions.Options;
using TickerService.Configuration;

namespace TickerService.Server.Web;

public static class CorsExtensions
{
    public const string WidgetPolicy = "widget";

    /// <summary>
    /// Lets pages of the configured origins (any, by default) load the widget's script and reach
    /// the hub (negotiate and the SSE and long-polling fallbacks); never with credentials, since
    /// nothing public needs them. Nothing else is cross-origin.
    /// </summary>
    public static IServiceCollection AddWidgetCors(this IServiceCollection services)
    {
        services.AddCors();
        services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>()
            .Configure<IOptions<TickerOptions>>((cors, ticker) => cors.AddPolicy(WidgetPolicy, policy =>
            {
                var origins = ticker.Value.AllowedOrigins;
                if (origins.Count == 0 || origins.Contains("*"))
                {
                    policy.AllowAnyOrigin();
                }
                else
                {
                    policy.WithOrigins([.. origins]);
                }
                policy.AllowAnyHeader().WithMethods("GET", "POST");
            }));
        return services;
    }
}
