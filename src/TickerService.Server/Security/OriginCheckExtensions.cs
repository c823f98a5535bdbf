using TickerService.Market;

namespace TickerService.Server.Security;

/// <summary>
/// Puts <see cref="OriginPolicy"/> in front of endpoints that browsers reach without CORS: a
/// marker on the endpoint (<see cref="RequireAllowedOrigin{TBuilder}"/>) and one middleware that
/// answers 403 with problem details, before a WebSocket upgrade, a negotiate, an SSE stream or a
/// long poll begins. The hub uses it; any plain WebSocket or SSE endpoint can too.
/// </summary>
public static class OriginCheckExtensions
{
    /// <summary>Refuses requests from pages whose origin is not in <c>Ticker:AllowedOrigins</c>.</summary>
    public static TBuilder RequireAllowedOrigin<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint => endpoint.Metadata.Add(AllowedOriginRequired.Instance));
        return builder;
    }

    /// <summary>The middleware; after routing (it reads the endpoint's marker), before the endpoints.</summary>
    public static IApplicationBuilder UseOriginCheck(this IApplicationBuilder app)
    {
        var policy = app.ApplicationServices.GetRequiredService<OriginPolicy>();
        return app.Use(async (context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<AllowedOriginRequired>() is null || policy.IsAllowed(context))
            {
                await next(context);
                return;
            }
            var origin = ClientText.Printable(context.Request.Headers.Origin.ToString(), 100);
            await TypedResults.Problem(
                title: "Origin not allowed",
                detail: $"Pages from '{origin}' may not use this service: that origin is not in Ticker:AllowedOrigins.",
                statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(context);
        });
    }

    private sealed class AllowedOriginRequired
    {
        public static readonly AllowedOriginRequired Instance = new();
    }
}
