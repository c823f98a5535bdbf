using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using TickerService.Configuration;
using TickerService.Market;
using TickerService.Pipelines;
using TickerService.Server.Hub;

namespace TickerService.Server.Plain;

/// <summary>
/// One <c>/sse?symbols=XOM,CVX</c> stream: the request is checked before the stream starts (400
/// or 404 problem details), then a <c>snapshot</c> event, then the fan-out's <c>quotes</c> and
/// <c>session</c> events, and a comment heartbeat after each quiet interval.
/// </summary>
internal sealed class EventStreamEndpoint(
    InstrumentCatalog catalog,
    LastValueCache cache,
    QuoteBroadcaster broadcaster,
    IOptions<TickerOptions> options,
    IOptions<PlainStreamOptions> streamOptions,
    TimeProvider time)
{
    private LimitOptions Limits => options.Value.Limits;

    public async Task RunAsync(HttpContext context)
    {
        SymbolSet symbols;
        try
        {
            var query = context.Request.Query["symbols"];
            if (query.Count == 0 || string.IsNullOrWhiteSpace(query.ToString()))
            {
                throw new ClientRequestException("Give the symbols to stream: /sse?symbols=XOM,CVX, or /sse?symbols=* for every instrument.");
            }
            var requested = query.SelectMany(value => (value ?? "").Split(',')).Select(s => (string?)s).ToList();
            symbols = catalog.Resolve(requested, Limits.MaxSymbolsPerConnection);
        }
        catch (ClientRequestException exception)
        {
            await ProblemAsync(context, exception);
            return;
        }

        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var channel = new EventStreamChannel(response, time, context.RequestAborted);
        var connectionId = $"sse:{Guid.NewGuid():N}";
        broadcaster.Register(connectionId, channel);
        try
        {
            // Subscribed and answered with the channel held: the snapshot is the first event, and
            // a subscription the limit refuses is refused before anything is written.
            await channel.ExclusiveAsync(() =>
            {
                broadcaster.Subscribe(connectionId, symbols, Limits.MaxSymbolsPerConnection);
                var snapshot = PlainMessages.Quotes("snapshot", cache.Snapshot(symbols), broadcaster.PlainFormat.PayloadOptions);
                return channel.WriteUnlockedAsync(snapshot);
            });
            await channel.KeepAliveAsync(streamOptions.Value.HeartbeatInterval);
        }
        catch (ClientRequestException exception) when (!response.HasStarted)
        {
            response.ContentType = null;
            response.Headers.CacheControl = default;
            await ProblemAsync(context, exception);
        }
        catch (Exception) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went.
        }
        finally
        {
            broadcaster.Unregister(connectionId);
        }
    }

    private static Task ProblemAsync(HttpContext context, ClientRequestException exception)
    {
        var unknown = exception.Message.StartsWith("Unknown symbol", StringComparison.Ordinal);
        return TypedResults.Problem(
            title: unknown ? "Unknown symbol" : "Bad symbols",
            detail: exception.Message,
            statusCode: unknown ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest).ExecuteAsync(context);
    }
}
