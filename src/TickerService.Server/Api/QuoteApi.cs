using Microsoft.AspNetCore.Http.HttpResults;
using TickerService.Market;
using TickerService.Pipelines;
using TickerService.Server.Recording;
using TickerService.Server.Registry;
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
        api.MapGet("/instruments", GetInstruments).WithSummary("Every instrument: symbol, name, currency, tick size, simulated (false: history-only).");
        api.MapGet("/quotes", GetQuotes).WithSummary("The latest quote of every instrument.");
        api.MapGet("/quotes/{symbol}", GetQuote).WithSummary("The latest quote of one instrument (a history-only one: its latest recorded quote).");
        return endpoints;
    }

    private static Ok<IReadOnlyList<Instrument>> GetInstruments(InstrumentRegistry registry) => TypedResults.Ok(registry.Instruments);

    private static Ok<Quote[]> GetQuotes(InstrumentCatalog catalog, LastValueCache cache) => TypedResults.Ok(cache.Snapshot(catalog.All));

    /// <summary>A live instrument's latest quote from the cache; a history-only one's latest recorded quote.</summary>
    private static Results<Ok<Quote>, ProblemHttpResult> GetQuote(
        string symbol, InstrumentCatalog catalog, InstrumentRegistry registry, LastValueCache cache, RecordingStore store)
    {
        if (!SymbolRoute.TryResolve(symbol, registry, out var normalized, out var problem))
        {
            return problem!;
        }
        var live = catalog.TryGetIndex(normalized, out var index);
        var quote = live ? cache.Get(index) : store.Latest(normalized);
        return quote is not null
            ? TypedResults.Ok(quote)
            : TypedResults.Problem(
                title: "No quote yet",
                detail: live
                    ? $"{normalized} has not been quoted yet; try again after the next tick."
                    : $"{normalized} is history-only and has no recorded quote.",
                statusCode: StatusCodes.Status404NotFound);
    }
}
