using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;

namespace TickerService.Server.Recording;

/// <summary>
/// An HTTP request that failed because the recording's database is unavailable answers 503 with
/// problem details and a Retry-After (<see cref="RecordingOutage"/>); any other failure is left to
/// the default handler (a 500 problem details, logged with its stack trace).
/// </summary>
internal sealed class RecordingOutageHandler(RecordingOutage outage, IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        // The endpoint's own name (route pattern), never the client's path, goes to the log.
        if (!outage.Explains(exception, context.GetEndpoint()?.DisplayName ?? "A request"))
        {
            return false;
        }
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = RecordingOutage.RetryAfter.TotalSeconds.ToString(CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The recording is unavailable",
                Detail = RecordingOutage.Message,
            },
        });
    }
}
