using Microsoft.AspNetCore.Http.HttpResults;
using TickerService.Market;
using TickerService.Pipelines;
using TickerService.Server.Security;

namespace TickerService.Server.Api;

/// <summary>The read-only HTTP API of SPEC section 3: instruments and latest quotes.</summary>
public static class QuoteApi
{
    public static IServiceCollection AddQuoteApi(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddOpenApi();
        return services;
    }

    public static IEndpointRouteBuilder MapQuoteApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi();

        // Same-origin only: what other origins get is the widget's script and the hub (CORS in Web/).
        var api = endpoints.MapGroup("/api").WithTags("Quotes").RequireRateLimiting(SecurityExtensions.ApiRateLimit);
        api.MapGet("/instruments", GetInstruments).WithSummary("Every instrument: symbol, name, currency, tick size.");
        api.MapGet("/quotes", GetQuotes).WithSummary("The latest quote of every instrument.");
        api.MapGet("/quotes/{symbol}", GetQuote).WithSummary("The latest quote of one instrument.");
        return endpoints;
    }

    private static Ok<IReadOnlyList<Instrument>> GetInstruments(InstrumentCatalog catalog) => TypedResults.Ok(catalog.Instruments);

    private static Ok<Quote[]> GetQuotes(InstrumentCatalog catalog, LastValueCache cache) => TypedResults.Ok(cache.Snapshot(catalog.All));

    private static Results<Ok<Quote>, ProblemHttpResult> GetQuote(string symbol, InstrumentCatalog catalog, LastValueCache cache)
    {
        if (!SymbolRoute.TryResolve(symbol, catalog, out var index, out var normalized, out var problem))
        {
            return problem!;
        }
        return cache.Get(index) is { } quote
            ? TypedResults.Ok(quote)
            : TypedResults.Problem(
                title: "No quote yet",
                detail: $"{normalized} has not been quoted yet; try again after the next tick.",
                statusCode: StatusCodes.Status404NotFound);
    }
}
