using System.Buffers;

namespace TickerService.Server.Plain;

/// <summary>
/// An <c>/sse</c> client: each JSON message is one event, named after its <c>type</c>
/// (<c>event: quotes\ndata: {...}\n\n</c>); heartbeats are comments. The JSON never holds a raw
/// line break (the writer escapes them), so one <c>data:</c> line carries it.
/// </summary>
internal sealed class EventStreamChannel(HttpResponse response, TimeProvider time, CancellationToken aborted) : PlainChannel(time, aborted)
{
    private static ReadOnlySpan<byte> QuotesPrefix => "{\"type\":\"quotes\""u8;
    private static ReadOnlySpan<byte> SessionPrefix => "{\"type\":\"session\""u8;
    private static ReadOnlySpan<byte> SnapshotPrefix => "{\"type\":\"snapshot\""u8;

    protected override async ValueTask WriteAsync(ReadOnlyMemory<byte> json)
    {
        var body = response.BodyWriter;
        body.Write(EventLine(json.Span));
        body.Write("data: "u8);
        body.Write(json.Span);
        body.Write("\n\n"u8);
        await body.FlushAsync(Aborted).ConfigureAwait(false);
    }

    protected override async ValueTask WriteHeartbeatAsync(DateTime at)
    {
        response.BodyWriter.Write(": heartbeat\n\n"u8);
        await response.BodyWriter.FlushAsync(Aborted).ConfigureAwait(false);
    }

    // The composed fan-out message says what it is in its first bytes: no parsing needed.
    private static ReadOnlySpan<byte> EventLine(ReadOnlySpan<byte> json) =>
        json.StartsWith(QuotesPrefix) ? "event: quotes\n"u8
        : json.StartsWith(SessionPrefix) ? "event: session\n"u8
        : json.StartsWith(SnapshotPrefix) ? "event: snapshot\n"u8
        : "event: error\n"u8;
}
