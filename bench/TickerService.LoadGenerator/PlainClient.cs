using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace TickerService.LoadGenerator;

/// <summary>
/// One plain WebSocket client of <c>/ws</c> (SPEC 10): a <see cref="ClientWebSocket"/> that sends
/// <c>{"op":"subscribe",...}</c> and reads whole JSON text frames with <see cref="Utf8JsonReader"/>,
/// counting each live quote's symbol, sequence and timestamp exactly as <see cref="RawClient"/>
/// does for the hub's, so the two are measured the same way. The snapshot is not an update.
/// </summary>
public sealed class PlainClient(Stats stats, SymbolTable symbols)
{
    private readonly ClientWebSocket _socket = new();
    private readonly long[] _lastSequence = new long[symbols.Count];
    private byte[] _buffer = new byte[16 * 1024];

    public async Task ConnectAsync(Uri baseUrl, string[] subscribeTo, CancellationToken cancellationToken)
    {
        var url = new UriBuilder(baseUrl) { Scheme = baseUrl.Scheme == "https" ? "wss" : "ws", Path = "/ws" }.Uri;
        _socket.Options.KeepAliveInterval = TimeSpan.Zero;
        await _socket.ConnectAsync(url, cancellationToken).ConfigureAwait(false);
        var request = $"{{\"op\":\"subscribe\",\"symbols\":{JsonSerializer.Serialize(subscribeTo)}}}";
        await _socket.SendAsync(Encoding.UTF8.GetBytes(request), WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
    }

    public async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            var filled = 0;
            while (!cancellationToken.IsCancellationRequested)
            {
                if (filled == _buffer.Length)
                {
                    Array.Resize(ref _buffer, _buffer.Length * 2);
                }
                var result = await _socket.ReceiveAsync(_buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    Interlocked.Increment(ref stats.Disconnects);
                    return;
                }
                filled += result.Count;
                if (result.EndOfMessage)
                {
                    Frame(_buffer.AsSpan(0, filled), DateTime.UtcNow);
                    filled = 0;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (WebSocketException)
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                Interlocked.Increment(ref stats.Disconnects);
            }
        }
    }

    public async Task CloseAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or InvalidOperationException)
        {
        }
        _socket.Dispose();
    }

    private void Frame(ReadOnlySpan<byte> frame, DateTime now)
    {
        var reader = new Utf8JsonReader(frame);
        var symbol = -1;
        var sequence = 0L;
        DateTime? timestamp = null;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.CurrentDepth == 1 && reader.ValueTextEquals("type"u8))
                {
                    // The server writes "type" first: only "quotes" frames are live updates.
                    reader.Read();
                    if (reader.ValueTextEquals("error"u8))
                    {
                        Interlocked.Increment(ref stats.HubErrors);
                    }
                    if (!reader.ValueTextEquals("quotes"u8))
                    {
                        return;
                    }
                }
                else if (reader.ValueTextEquals("symbol"u8))
                {
                    reader.Read();
                    symbol = symbols.IndexOf(ref reader);
                }
                else if (reader.ValueTextEquals("sequence"u8))
                {
                    reader.Read();
                    sequence = reader.GetInt64();
                }
                else if (reader.ValueTextEquals("timestamp"u8))
                {
                    reader.Read();
                    timestamp = reader.GetDateTime().ToUniversalTime();
                }
            }
            else if (reader.TokenType == JsonTokenType.EndObject && timestamp is { } at)
            {
                stats.AddQuote(_lastSequence, symbol, sequence, at, now);
                symbol = -1;
                timestamp = null;
            }
        }
        if (stats.Measuring)
        {
            stats.AddMessage(frame.Length);
        }
    }
}
