using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Options;
using TickerService.Configuration;
using TickerService.Market;
using TickerService.Pipelines;
using TickerService.Server.Hub;

namespace TickerService.Server.Plain;

/// <summary>
/// One <c>/ws</c> connection: reads the client's requests (<c>subscribe</c>, <c>unsubscribe</c>)
/// and answers each bad one with an <c>error</c> frame, the socket staying up; a frame over
/// <c>Ticker:Limits:MaxHubMessageBytes</c> closes it with 1009 and the reason. Quotes and session
/// changes come from the hub's fan-out through a <see cref="PlainOutbox"/>.
/// </summary>
internal sealed class PlainSocketEndpoint(
    InstrumentCatalog catalog,
    LastValueCache cache,
    QuoteBroadcaster broadcaster,
    IOptions<TickerOptions> options,
    IOptions<PlainStreamOptions> streamOptions,
    QuoteResumer resumer,
    TimeProvider time)
{
    private const int MaxEchoedOp = 40;

    private LimitOptions Limits => options.Value.Limits;

    public async Task RunAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await TypedResults.Problem(
                title: "WebSocket upgrade expected",
                detail: "GET /ws is a WebSocket of JSON text frames: connect with a WebSocket client (ws://host/ws). For a plain HTTP stream use GET /sse?symbols=XOM.",
                statusCode: StatusCodes.Status400BadRequest).ExecuteAsync(context);
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var channel = new WebSocketChannel(socket, time, aborted.Token);
        var connectionId = $"ws:{Guid.NewGuid():N}";
        broadcaster.Register(connectionId, channel);
        var keepAlive = channel.KeepAliveAsync(streamOptions.Value.HeartbeatInterval);
        try
        {
            await ReceiveAsync(socket, channel, connectionId, aborted.Token);
        }
        catch (Exception) when (aborted.IsCancellationRequested || socket.State != WebSocketState.Open)
        {
            // The client went.
        }
        finally
        {
            broadcaster.Unregister(connectionId);
            await aborted.CancelAsync();
            await keepAlive;
        }
    }

    private async Task ReceiveAsync(WebSocket socket, WebSocketChannel channel, string connectionId, CancellationToken aborted)
    {
        var limit = Limits.MaxHubMessageBytes;
        var buffer = ArrayPool<byte>.Shared.Rent(limit + 1);
        try
        {
            while (true)
            {
                var length = 0;
                ValueWebSocketReceiveResult received;
                do
                {
                    received = await socket.ReceiveAsync(buffer.AsMemory(length, limit + 1 - length), aborted);
                    length += received.Count;
                }
                while (!received.EndOfMessage && length <= limit && received.MessageType != WebSocketMessageType.Close);

                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await channel.ExclusiveAsync(() => new ValueTask(socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, aborted)));
                    return;
                }
                if (length > limit)
                {
                    // Close frame reasons are at most 123 bytes.
                    await channel.ExclusiveAsync(() => new ValueTask(socket.CloseOutputAsync(
                        WebSocketCloseStatus.MessageTooBig,
                        $"Message over {limit} bytes (Ticker:Limits:MaxHubMessageBytes)",
                        aborted)));
                    return;
                }
                if (received.MessageType == WebSocketMessageType.Binary)
                {
                    await channel.SendAsync(PlainMessages.Error(null, "Binary frames are not understood: send JSON text frames, e.g. {\"op\":\"subscribe\",\"symbols\":[\"XOM\"]}."));
                    continue;
                }
                await HandleAsync(buffer.AsMemory(0, length), channel, connectionId);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task HandleAsync(ReadOnlyMemory<byte> frame, WebSocketChannel channel, string connectionId)
    {
        string? op = null;
        try
        {
            var request = PlainRequest.Parse(frame, MaxEchoedOp, ref op);
            if (request is { Op: PlainRequest.Subscribe, After: not null })
            {
                // A resume (SPEC 11): answered by a snapshot with "complete", before any live frame.
                var (resumed, after) = resumer.Check(request.Symbols, request.After);
                await channel.ExclusiveAsync(async () =>
                {
                    var result = await resumer.ResumeAsync(connectionId, resumed, after, CancellationToken.None);
                    await channel.WriteUnlockedAsync(PlainMessages.Quotes("snapshot", result.Quotes, broadcaster.PlainFormat.PayloadOptions, result.Complete));
                });
                return;
            }
            var symbols = catalog.Resolve(request.Symbols, Limits.MaxSymbolsPerConnection);
            switch (request.Op)
            {
                case PlainRequest.Subscribe:
                    // Subscribed and answered with the channel held: the snapshot goes out before any
                    // fan-out message, and nothing published after the snapshot was read is missed.
                    await channel.ExclusiveAsync(() =>
                    {
                        broadcaster.Subscribe(connectionId, symbols, Limits.MaxSymbolsPerConnection);
                        var snapshot = PlainMessages.Quotes("snapshot", cache.Snapshot(symbols), broadcaster.PlainFormat.PayloadOptions);
                        return channel.WriteUnlockedAsync(snapshot);
                    });
                    break;
                case PlainRequest.Unsubscribe:
                    broadcaster.Unsubscribe(connectionId, symbols);
                    break;
            }
        }
        catch (ClientRequestException exception)
        {
            await channel.SendAsync(PlainMessages.Error(op, exception.Message));
        }
    }
}
