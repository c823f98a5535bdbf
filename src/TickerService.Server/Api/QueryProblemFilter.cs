using TickerService.Market;

namespace TickerService.Server.Api;

/// <summary>
/// Answers a client's mistake found inside a handler (<see cref="BadQueryException"/>, or a
/// <see cref="ClientRequestException"/> from the symbol resolver) with 400 problem details, so
/// handlers read their inputs in a line each instead of returning early at every step.
/// </summary>
internal sealed class QueryProblemFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (BadQueryException exception)
        {
            return TypedResults.Problem(
                title: $"Bad {exception.Parameter}",
                detail: exception.Message,
                statusCode: StatusCodes.Status400BadRequest,
                extensions: new Dictionary<string, object?> { ["parameter"] = exception.Parameter });
        }
        catch (ClientRequestException exception)
        {
            return TypedResults.Problem(title: "Bad request", detail: exception.Message, statusCode: StatusCodes.Status400BadRequest);
        }
    }
}
