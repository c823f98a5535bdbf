using Microsoft.AspNetCore.Builder;
using TickerService.Server.Security;
using TickerService.Server.Web;

namespace TickerService.Server.Plain;

/// <summary>
/// <c>GET /ws</c> and <c>GET /sse</c> (SPEC section 10): market data for clients without a SignalR
/// library. Both join the hub's fan-out (one serialization a quote for every plain client), its
/// limits and its allowed origins.
/// </summary>
public static class PlainStreamExtensions
{
    public const string WebSocketPath = "/ws";
    public const string EventStreamPath = "/sse";

    public static IEndpointRouteBuilder MapPlainStreams(this IEndpointRouteBuilder endpoints)
    {
        // The WebSocket middleware only where it is needed, as SignalR does for its own endpoint.
        var webSocket = endpoints.CreateApplicationBuilder().UseWebSockets();
        webSocket.Run(context => ActivatorUtilities.GetServiceOrCreateInstance<PlainSocketEndpoint>(context.RequestServices).RunAsync(context));
        endpoints.Map(WebSocketPath, webSocket.Build())
            .RequireAllowedOrigin()
            .RequireRateLimiting(SecurityExtensions.ApiRateLimit)
            .WithDisplayName("Plain WebSocket");

        // EventSource in a page is a CORS request; the origin check refuses the rest.
        endpoints.MapGet(EventStreamPath, (HttpContext context) => ActivatorUtilities.GetServiceOrCreateInstance<EventStreamEndpoint>(context.RequestServices).RunAsync(context))
            .RequireCors(CorsExtensions.WidgetPolicy)
            .RequireAllowedOrigin()
            .RequireRateLimiting(SecurityExtensions.ApiRateLimit)
            .ExcludeFromDescription();

        // What the two speak, as the OpenAPI document says what the HTTP API does.
        endpoints.MapAsyncApi();
        return endpoints;
    }
}
