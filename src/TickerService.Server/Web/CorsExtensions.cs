using Microsoft.Extensions.Options;
using TickerService.Configuration;

namespace TickerService.Server.Web;

public static class CorsExtensions
{
    public const string WidgetPolicy = "widget";

    /// <summary>
    /// Lets pages of the configured origins (any, by default) read quotes and reach the hub's
    /// negotiate; never with credentials, since nothing public needs them.
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
