using Microsoft.AspNetCore.SignalR;
using TickerService.Pipelines;
using TickerService.Server.Security;
using TickerService.Server.Web;

namespace TickerService.Server.Hub;

public static class HubExtensions
{
    public const string Path = "/hubs/quotes";

    /// <summary>SignalR with JSON and MessagePack, the broadcaster, and its place in the feed.</summary>
    public static IServiceCollection AddQuoteHub(this IServiceCollection services)
    {
        services.AddSignalR(options => options.AddFilter<ClientErrorFilter>())
            .AddMessagePackProtocol();
        services.AddSingleton<QuoteBroadcaster>();
        services.AddSingleton<IQuoteConsumer>(sp => sp.GetRequiredService<QuoteBroadcaster>());
        services.AddSingleton<HubLifetimeManager<QuoteHub>, QuoteHubLifetimeManager>();
        return services;
    }

    /// <summary>Maps the hub with every transport left on (WebSockets first, then SSE and long polling).</summary>
    public static IEndpointRouteBuilder MapQuoteHub(this IEndpointRouteBuilder endpoints)
    {
        // CORS covers negotiate and the fallbacks for a browser that asks; the origin check also
        // covers a WebSocket opened straight to the hub, which no browser asks CORS about.
        endpoints.MapHub<QuoteHub>(Path).RequireCors(CorsExtensions.WidgetPolicy).RequireAllowedOrigin();
        return endpoints;
    }
}
