namespace TickerService.RawFloor;

/// <summary>One connection of the floor: how a tick's frame reaches its socket.</summary>
public interface IFloorClient : IAsyncDisposable
{
    /// <summary>Sends the frame, or returns false (and drops it) while the last one is still going out.</summary>
    bool TrySend(ReadOnlyMemory<byte> frame);

    /// <summary>A handshake or completion reply, in turn with the frames.</summary>
    Task SendControlAsync(byte[] bytes);
}
