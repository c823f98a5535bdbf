using System.Net.WebSockets;

namespace TickerService.Server.Plain;

/// <summary>A <c>/ws</c> client: each JSON message is one text frame.</summary>
internal sealed class WebSocketChannel(WebSocket socket, TimeProvider time, CancellationToken aborted) : PlainChannel(time, aborted)
{
    protected override ValueTask WriteAsync(ReadOnlyMemory<byte> json) =>
        socket.SendAsync(json, WebSocketMessageType.Text, endOfMessage: true, Aborted);

    protected override ValueTask WriteHeartbeatAsync(DateTime at) => WriteAsync(PlainMessages.Heartbeat(at));
}
