using System.Net.WebSockets;

namespace TickerService.RawFloor;

/// <summary>The floor proper: the broadcaster's thread hands the frame straight to the socket.</summary>
public sealed class DirectFloorClient(WebSocket socket) : IFloorClient
{
    // One send at a time: WebSocket allows no concurrent sends.
    private int _sending;

    public bool TrySend(ReadOnlyMemory<byte> frame)
    {
        if (Interlocked.Exchange(ref _sending, 1) == 1)
        {
            return false;
        }
        var send = socket.SendAsync(frame, WebSocketMessageType.Text, true, CancellationToken.None);
        if (send.IsCompletedSuccessfully)
        {
            Volatile.Write(ref _sending, 0);
        }
        else
        {
            _ = CompleteAsync(send);
        }
        return true;
    }

    // Control replies wait their turn behind a frame in flight.
    public async Task SendControlAsync(byte[] bytes)
    {
        while (Interlocked.Exchange(ref _sending, 1) == 1)
        {
            await Task.Delay(1);
        }
        try
        {
            await socket.SendAsync(bytes, WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            Volatile.Write(ref _sending, 0);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task CompleteAsync(ValueTask send)
    {
        try
        {
            await send;
        }
        catch (Exception)
        {
            // Closed mid-send; the receive loop removes it.
        }
        finally
        {
            Volatile.Write(ref _sending, 0);
        }
    }
}
