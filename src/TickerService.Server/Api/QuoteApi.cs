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
        var normalized = symbol.Trim().ToUpperInvariant();
        if (!Symbols.IsWellFormed(normalized))
        {
            return TypedResults.Problem(
                title: "Malformed symbol",
                detail: $"'{symbol}' is not a symbol: a symbol is 1 to 12 of A-Z 0-9 . - _ =.",
                statusCode: StatusCodes.Status400BadRequest);
        }
        if (!catalog.TryGetIndex(normalized, out var index))
        {
            return TypedResults.Problem(
                title: "Unknown symbol",
                detail: $"Unknown symbol: {normalized}. GET /api/instruments lists the symbols served.",
                statusCode: StatusCodes.Status404NotFound);
        }
        return cache.Get(index) is { } quote
            ? TypedResults.Ok(quote)
            : TypedResults.Problem(
                title: "No quote yet",
                detail: $"{normalized} has not been quoted yet; try again after the next tick.",
                statusCode: StatusCodes.Status404NotFound);
    }
}
