namespace TickerService.Server.Web;

public static class ShutdownExtensions
{
    /// <summary>
    /// Refuses new requests once the host has begun to stop, with 503 and <c>Retry-After</c>.
    /// SignalR closes its connections as stopping begins, but Kestrel keeps accepting until the
    /// other services (Quartz, the recorder's last flush) have stopped; a client reconnecting
    /// in that window would get a fresh hub connection that holds the shutdown up to its timeout.
    /// Refused, it retries with its back-off and finds the next instance.
    /// </summary>
    public static IApplicationBuilder UseRefusalWhileStopping(this IApplicationBuilder app)
    {
        var stopping = app.ApplicationServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        return app.Use(async (context, next) =>
        {
            if (stopping.IsCancellationRequested)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.Headers.RetryAfter = "1";
                context.Response.Headers.Connection = "close";
                return;
            }
            await next(context);
        });
    }
}
