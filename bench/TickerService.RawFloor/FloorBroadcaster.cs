using System.Buffers;
using System.Net.WebSockets;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using TickerService.Market;

namespace TickerService.RawFloor;

/// <summary>
/// The floor: what fan-out costs with nothing but Kestrel's WebSockets. Each tick is serialized
/// once, by SignalR's own JSON protocol (so the payload is byte for byte the hub's), and the same
/// frame is written to every socket. A socket with a send still in flight skips the tick, which
/// is the cheapest possible answer to a slow reader. It speaks just enough of the SignalR JSON
/// protocol for the load generator: the handshake, a completion for any invocation (Subscribe)
/// and pings; every client gets every symbol. With <c>piped</c> (<c>--mode piped</c>), every
/// frame takes the way SignalR's WebSocket transport gives it instead (<see cref="PipedFloorClient"/>).
/// </summary>
public sealed class FloorBroadcaster(bool piped = false)
{
    private static readonly byte[] HandshakeResponse = "{}\u001e"u8.ToArray();
    private readonly JsonHubProtocol _protocol = new();
    private readonly Lock _gate = new();
    private IFloorClient[] _clients = [];
    private long _skipped;

    public long Skipped => Interlocked.Read(ref _skipped);

    public void Publish(Quote[] quotes)
    {
        var frame = _protocol.GetMessageBytes(new InvocationMessage("quotes", [quotes]));
        foreach (var client in Volatile.Read(ref _clients))
        {
            if (!client.TrySend(frame))
            {
                Interlocked.Increment(ref _skipped);
            }
        }
    }

    public async Task AcceptAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        // Piped: the same frames through a per-connection pipe and send loop, as SignalR's transport does.
        IFloorClient client = piped ? new PipedFloorClient(socket) : new DirectFloorClient(socket);
        var buffer = new byte[4096];
        var pending = new ArrayBufferWriter<byte>();
        var handshaken = false;
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, context.RequestAborted);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
                pending.Write(buffer.AsSpan(0, result.Count));
                // Records end with 0x1e; answer each whole one.
                int end;
                while ((end = pending.WrittenSpan.IndexOf((byte)0x1e)) >= 0)
                {
                    var record = pending.WrittenSpan[..end];
                    if (!handshaken)
                    {
                        handshaken = true;
                        await client.SendControlAsync(HandshakeResponse);
                        Add(client);
                    }
                    else if (InvocationId(record) is { } id)
                    {
                        await client.SendControlAsync(System.Text.Encoding.UTF8.GetBytes($"{{\"type\":3,\"invocationId\":\"{id}\",\"result\":[]}}\u001e"));
                    }
                    var rest = pending.WrittenSpan[(end + 1)..].ToArray();
                    pending.Clear();
                    pending.Write(rest);
                }
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
            // The client went away.
        }
        finally
        {
            Remove(client);
            await client.DisposeAsync();
        }
    }

    private static string? InvocationId(ReadOnlySpan<byte> record)
    {
        var reader = new System.Text.Json.Utf8JsonReader(record);
        while (reader.Read())
        {
            if (reader.TokenType == System.Text.Json.JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("invocationId"u8))
            {
                reader.Read();
                return reader.GetString();
            }
        }
        return null;
    }

    private void Add(IFloorClient client)
    {
        lock (_gate)
        {
            Volatile.Write(ref _clients, [.. _clients, client]);
        }
    }

    private void Remove(IFloorClient client)
    {
        lock (_gate)
        {
            Volatile.Write(ref _clients, Array.FindAll(_clients, c => c != client));
        }
    }
}
