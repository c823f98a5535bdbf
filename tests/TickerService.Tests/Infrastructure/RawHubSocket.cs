using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace TickerService.Tests.Infrastructure;

/// <summary>
/// A bare WebSocket speaking SignalR's JSON protocol, with a tiny receive buffer: a client that
/// can stop reading at will, which the real clients cannot be made to do.
/// </summary>
public sealed class RawHubSocket : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';
    private readonly ClientWebSocket _socket = new();
    private readonly StringBuilder _pending = new();
    private readonly byte[] _buffer = new byte[64 * 1024];

    public static async Task<RawHubSocket> ConnectAsync(Uri hubUrl, int receiveBufferBytes = 4096)
    {
        var raw = new RawHubSocket();
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, token) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = receiveBufferBytes, NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, token);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        var uri = new UriBuilder(hubUrl) { Scheme = "ws" }.Uri;
        await raw._socket.ConnectAsync(uri, new HttpMessageInvoker(handler), CancellationToken.None).WaitAsync(TickerServer.Timeout);
        await raw.SendAsync("""{"protocol":"json","version":1}""");
        await raw.ReadMessageAsync(); // the handshake response
        return raw;
    }

    public Task SendAsync(string json) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(json + RecordSeparator), WebSocketMessageType.Text, true, CancellationToken.None).WaitAsync(TickerServer.Timeout);

    /// <summary>Subscribes and reads the completion with its snapshot; after that nothing is read until asked.</summary>
    public async Task SubscribeAsync(params string[] symbols)
    {
        await SendAsync(JsonSerializer.Serialize(new { type = 1, invocationId = "1", target = "Subscribe", arguments = new object[] { symbols } }));
        while (true)
        {
            using var message = await ReadMessageAsync();
            if (message.RootElement.GetProperty("type").GetInt32() == 3)
            {
                return;
            }
        }
    }

    /// <summary>The next SignalR message, parsed.</summary>
    public async Task<JsonDocument> ReadMessageAsync()
    {
        while (true)
        {
            var text = _pending.ToString();
            var end = text.IndexOf(RecordSeparator);
            if (end >= 0)
            {
                _pending.Remove(0, end + 1);
                return JsonDocument.Parse(text[..end]);
            }
            var result = await _socket.ReceiveAsync(_buffer, CancellationToken.None).WaitAsync(TickerServer.Timeout);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException("The server closed the socket.");
            }
            _pending.Append(Encoding.UTF8.GetString(_buffer, 0, result.Count));
        }
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Abort();
        _socket.Dispose();
        await Task.CompletedTask;
    }
}
