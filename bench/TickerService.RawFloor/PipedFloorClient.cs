using System.Buffers;
using System.IO.Pipelines;
using System.Net.WebSockets;

namespace TickerService.RawFloor;

/// <summary>
/// The floor with one part of SignalR added back: the way its WebSocket transport sends. The
/// broadcaster writes the frame into a per-connection pipe (64 KB pause threshold, reader on the
/// thread pool, as <c>Http.Connections</c> sets it up) and a send loop reads it out and hands it
/// to the socket, one WebSocket frame per pipe segment, with a cancellable token (SignalR's send
/// timeout), which takes <c>ManagedWebSocket</c> off its lock-free fast path. Nothing else of SignalR is here, so the
/// gap between this and the floor is what that hop costs, and the gap between the hub and this is
/// the rest of SignalR and the service.
/// </summary>
public sealed class PipedFloorClient : IFloorClient
{
    private readonly WebSocket _socket;
    private readonly Pipe _pipe = new(new PipeOptions(pauseWriterThreshold: 64 * 1024, resumeWriterThreshold: 32 * 1024,
        readerScheduler: PipeScheduler.ThreadPool, useSynchronizationContext: false));
    private readonly Lock _gate = new();
    private readonly Task _sending;
    // SignalR cancels a send that takes longer than its TransportSendTimeout; this one never fires.
    private readonly CancellationTokenSource _sendTimeout = new();
    private bool _writerPaused;

    public PipedFloorClient(WebSocket socket)
    {
        _socket = socket;
        _sending = SendLoopAsync();
    }

    public bool TrySend(ReadOnlyMemory<byte> frame)
    {
        lock (_gate)
        {
            if (_writerPaused)
            {
                return false;
            }
            _pipe.Writer.Write(frame.Span);
            var flush = _pipe.Writer.FlushAsync();
            if (!flush.IsCompleted)
            {
                // The pipe is past its threshold: skip ticks until the send loop drains it.
                _writerPaused = true;
                _ = ResumeAfterAsync(flush);
            }
            return true;
        }
    }

    public async Task SendControlAsync(byte[] bytes)
    {
        ValueTask<FlushResult> flush;
        lock (_gate)
        {
            _pipe.Writer.Write(bytes);
            flush = _pipe.Writer.FlushAsync();
        }
        await flush;
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _pipe.Writer.Complete();
        }
        await _sending;
        _sendTimeout.Dispose();
    }

    private async Task ResumeAfterAsync(ValueTask<FlushResult> flush)
    {
        try
        {
            await flush;
        }
        finally
        {
            lock (_gate)
            {
                _writerPaused = false;
            }
        }
    }

    private async Task SendLoopAsync()
    {
        var reader = _pipe.Reader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync();
                var buffer = result.Buffer;
                try
                {
                    if (!buffer.IsEmpty)
                    {
                        await SendAsync(buffer);
                    }
                    if (result.IsCompleted)
                    {
                        return;
                    }
                }
                finally
                {
                    reader.AdvanceTo(buffer.End);
                }
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away; the receive loop removes it.
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }

    // What SignalR's transport does with what it read: a single segment is one frame; more are
    // sent as fragments of one message, the last one ending it.
    private async ValueTask SendAsync(ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsSingleSegment)
        {
            await _socket.SendAsync(buffer.First, WebSocketMessageType.Text, true, _sendTimeout.Token);
            return;
        }
        var position = buffer.Start;
        buffer.TryGet(ref position, out var previous);
        while (buffer.TryGet(ref position, out var segment))
        {
            await _socket.SendAsync(previous, WebSocketMessageType.Text, false, _sendTimeout.Token);
            previous = segment;
        }
        await _socket.SendAsync(previous, WebSocketMessageType.Text, true, _sendTimeout.Token);
    }
}
