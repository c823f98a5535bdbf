using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace TickerService.LoadGenerator;

/// <summary>
/// One connection over a bare <see cref="ClientWebSocket"/> speaking the SignalR JSON protocol by
/// hand: the handshake, one Subscribe invocation (or a StreamQuotes stream invocation), pings, and
/// records split on 0x1e, read with <see cref="Utf8JsonReader"/> for each quote's symbol,
/// sequence and timestamp. Nothing else is materialized, so a thousand of them stay cheap for the
/// machine the server shares. Works against the hub, the floor and the stock-ticker baseline.
/// </summary>
public sealed class RawClient(Stats stats, SymbolTable symbols)
{
    private const byte RecordSeparator = 0x1e;
    private static readonly byte[] Handshake = "{\"protocol\":\"json\",\"version\":1}\u001e"u8.ToArray();
    private static readonly byte[] Ping = "{\"type\":6}\u001e"u8.ToArray();

    private readonly ClientWebSocket _socket = new();
    private readonly long[] _lastSequence = new long[symbols.Count];
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private readonly TaskCompletionSource _resume = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private byte[] _buffer = new byte[16 * 1024];
    private int _filled;
    private bool _handshaken;
    private volatile bool _resumed;

    /// <summary>A stuck client stops reading, as a frozen browser tab does; its socket buffers fill and the server's writes to it stall.</summary>
    public bool Stuck { get; set; }

    /// <summary>Chosen to get stuck when the window opens.</summary>
    public bool WillStick { get; init; }

    /// <summary>
    /// Connects, shakes hands and subscribes. A client that will get stuck gets a 4 KB receive
    /// buffer (SO_RCVBUF, set before connecting, which also turns off the kernel's autotuning), so
    /// its back-pressure reaches the server in seconds instead of after megabytes of loopback
    /// buffering: what a frozen client on a real network does once its buffers are full.
    /// </summary>
    public async Task ConnectAsync(Uri baseUrl, string mode, string[] subscribeTo, bool smallReceiveBuffer, CancellationToken cancellationToken)
    {
        var url = new UriBuilder(baseUrl) { Scheme = baseUrl.Scheme == "https" ? "wss" : "ws", Path = "/hubs/quotes" }.Uri;
        _socket.Options.KeepAliveInterval = TimeSpan.Zero;
        if (smallReceiveBuffer)
        {
            var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (context, token) =>
                {
                    var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = 4096 };
                    try
                    {
                        await socket.ConnectAsync(context.DnsEndPoint, token).ConfigureAwait(false);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            };
            await _socket.ConnectAsync(url, new HttpMessageInvoker(handler), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _socket.ConnectAsync(url, cancellationToken).ConfigureAwait(false);
        }
        await SendAsync(Handshake, cancellationToken).ConfigureAwait(false);
        var arguments = JsonSerializer.Serialize(subscribeTo);
        var invocation = mode == "stream"
            ? $"{{\"type\":4,\"invocationId\":\"1\",\"target\":\"StreamQuotes\",\"arguments\":[{arguments}]}}\u001e"
            : $"{{\"type\":1,\"invocationId\":\"1\",\"target\":\"Subscribe\",\"arguments\":[{arguments}]}}\u001e";
        await SendAsync(Encoding.UTF8.GetBytes(invocation), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The SignalR server drops a client it has not heard from in 30 s; this keeps even stuck clients in.</summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        if (_socket.State == WebSocketState.Open)
        {
            await SendAsync(Ping, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A stuck client reads again; what it gets first shows what the server kept for it (see <see cref="Stats.StuckSkipped"/>).</summary>
    public void Resume()
    {
        _resumed = true;
        Stuck = false;
        _resume.TrySetResult();
    }

    public async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (Stuck)
                {
                    await _resume.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
                if (_filled == _buffer.Length)
                {
                    Array.Resize(ref _buffer, _buffer.Length * 2);
                }
                var result = await _socket.ReceiveAsync(_buffer.AsMemory(_filled), cancellationToken).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    Interlocked.Increment(ref stats.Disconnects);
                    return;
                }
                var now = DateTime.UtcNow;
                var scanFrom = _filled;
                _filled += result.Count;
                Consume(scanFrom, now);
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

    private async Task SendAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        await _sendGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendGate.Release();
        }
    }

    // Handles every whole record in the buffer and keeps the tail of a partial one.
    private void Consume(int scanFrom, DateTime now)
    {
        var start = 0;
        var span = _buffer.AsSpan(0, _filled);
        int end;
        while ((end = span[scanFrom..].IndexOf(RecordSeparator)) >= 0)
        {
            end += scanFrom;
            Record(span[start..end], now);
            start = end + 1;
            scanFrom = start;
        }
        if (start > 0)
        {
            span[start..].CopyTo(_buffer);
            _filled -= start;
        }
    }

    private void Record(ReadOnlySpan<byte> record, DateTime now)
    {
        if (!_handshaken)
        {
            _handshaken = true;
            if (record.IndexOf("\"error\""u8) >= 0)
            {
                Interlocked.Increment(ref stats.HubErrors);
            }
            return;
        }
        var reader = new Utf8JsonReader(record);
        var type = 0;
        var symbol = -1;
        var sequence = 0L;
        DateTime? timestamp = null;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.CurrentDepth == 1 && reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    type = reader.GetInt32();
                    // SignalR writes the type first. A completion (the Subscribe snapshot) or a
                    // ping is not a delivered update.
                    if (type == 3 && record.IndexOf("\"error\""u8) >= 0)
                    {
                        Interlocked.Increment(ref stats.HubErrors);
                    }
                    if (type is not (1 or 2))
                    {
                        return;
                    }
                }
                else if (reader.CurrentDepth == 1 && reader.ValueTextEquals("target"u8))
                {
                    reader.Read();
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
                if (_resumed)
                {
                    stats.AddResumedQuote(_lastSequence, symbol, sequence);
                }
                else if (!Stuck)
                {
                    stats.AddQuote(_lastSequence, symbol, sequence, at, now);
                }
                symbol = -1;
                timestamp = null;
            }
        }
        if (type is 1 or 2 && !Stuck && !_resumed && stats.Measuring)
        {
            stats.AddMessage(record.Length + 1);
        }
    }
}
