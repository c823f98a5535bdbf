using Microsoft.AspNetCore.Http.HttpResults;
using TickerService.Market;
using TickerService.Server.Registry;

namespace TickerService.Server.Api;

/// <summary>
/// The <c>{symbol}</c> of a route, checked the same way by every route that takes one: 400 for a
/// malformed symbol, 404 for one the service does not know (live or history-only), both as problem details.
/// </summary>
internal static class SymbolRoute
{
    /// <summary>The symbol as the registry knows it (live or history-only), or the problem to answer with.</summary>
    public static bool TryResolve(string symbol, InstrumentRegistry registry, out string normalized, out ProblemHttpResult? problem)
    {
        normalized = symbol.Trim().ToUpperInvariant();
        problem = !Symbols.IsWellFormed(normalized)
            ? TypedResults.Problem(
                title: "Malformed symbol",
                detail: $"'{symbol}' is not a symbol: a symbol is 1 to 12 of A-Z 0-9 . - _ =.",
                statusCode: StatusCodes.Status400BadRequest)
            : !registry.IsKnown(normalized)
                ? TypedResults.Problem(
                    title: "Unknown symbol",
                    detail: $"Unknown symbol: {normalized}. GET /api/instruments lists the symbols served.",
                    statusCode: StatusCodes.Status404NotFound)
                : null;
        return problem is null;
    }
}
