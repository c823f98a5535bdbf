using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
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
        services.AddSingleton<ClientErrorLog>();
        services.AddSingleton<ClientErrorFilter>();
        WrapProtocols(services);
        services.AddSingleton<QuoteBroadcaster>();
        services.AddSingleton<IQuoteConsumer>(sp => sp.GetRequiredService<QuoteBroadcaster>());
        services.AddSingleton<QuoteResumer>();
        services.AddSingleton<HubLifetimeManager<QuoteHub>, QuoteHubLifetimeManager>();
        return services;
    }

    // Every protocol registered so far (JSON by AddSignalR, MessagePack) answers a client's
    // unreadable arguments and unknown messages clearly (ArgumentCheckingProtocol).
    private static void WrapProtocols(IServiceCollection services)
    {
        foreach (var registration in services.Where(d => d.ServiceType == typeof(IHubProtocol)).ToList())
        {
            var type = registration.ImplementationType
                ?? throw new InvalidOperationException("A hub protocol registered by instance or factory cannot be wrapped.");
            services.Remove(registration);
            services.AddSingleton<IHubProtocol>(sp => new ArgumentCheckingProtocol((IHubProtocol)ActivatorUtilities.CreateInstance(sp, type)));
        }
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
