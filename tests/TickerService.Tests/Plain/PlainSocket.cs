using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Plain;

/// <summary>A real <see cref="ClientWebSocket"/> on <c>/ws</c>: sends requests, reads whole text frames.</summary>
public sealed class PlainSocket : IAsyncDisposable
{
    private PlainSocket(ClientWebSocket socket) => Socket = socket;

    public ClientWebSocket Socket { get; }

    public static Uri Url(TickerServer server) => new UriBuilder(server.BaseAddress) { Scheme = "ws", Path = "/ws" }.Uri;

    public static async Task<PlainSocket> ConnectAsync(TickerServer server, string? origin = null)
    {
        var socket = new ClientWebSocket();
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }
        socket.Options.CollectHttpResponseDetails = true;
        await socket.ConnectAsync(Url(server), CancellationToken.None).WaitAsync(TickerServer.Timeout);
        return new PlainSocket(socket);
    }

    public Task SendAsync(string text) =>
        Socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None).WaitAsync(TickerServer.Timeout);

    /// <summary>The next whole frame's bytes; throws when the server closes instead.</summary>
    public async Task<byte[]> ReceiveBytesAsync()
    {
        using var frame = new MemoryStream();
        var buffer = new byte[8192];
        while (true)
        {
            var received = await Socket.ReceiveAsync(buffer, CancellationToken.None).WaitAsync(TickerServer.Timeout);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException($"Closed by the server: {Socket.CloseStatus} {Socket.CloseStatusDescription}");
            }
            frame.Write(buffer, 0, received.Count);
            if (received.EndOfMessage)
            {
                return frame.ToArray();
            }
        }
    }

    public async Task<JsonElement> ReceiveAsync() => JsonDocument.Parse(await ReceiveBytesAsync()).RootElement;

    /// <summary>The next frame of <paramref name="type"/>, skipping heartbeats.</summary>
    public async Task<JsonElement> ReceiveAsync(string type)
    {
        while (true)
        {
            var message = await ReceiveAsync();
            var actual = message.GetProperty("type").GetString();
            if (actual == type)
            {
                return message;
            }
            Assert.Equal("heartbeat", actual);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Socket.State == WebSocketState.Open)
        {
            try
            {
                await Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WaitAsync(TickerServer.Timeout);
            }
            catch (Exception)
            {
                // Already going.
            }
        }
        Socket.Dispose();
    }
}
