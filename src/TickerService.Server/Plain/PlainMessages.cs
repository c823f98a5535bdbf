using System.Buffers;
using System.Text.Json;
using TickerService.Json;
using TickerService.Market;

namespace TickerService.Server.Plain;

/// <summary>
/// The server-to-client messages of <c>/ws</c> and <c>/sse</c> other than the fan-out's
/// composed <c>quotes</c> (SPEC section 10): snapshots, session changes, errors and heartbeats.
/// Quotes go through the hub's JSON payload options, so they are the hub's quote JSON.
/// </summary>
internal static class PlainMessages
{
    private static readonly UtcMillisecondsConverter Instant = new();

    /// <summary><c>{"type":"snapshot","quotes":[...]}</c>, or <c>quotes</c>; <paramref name="complete"/> is added when given (a resume).</summary>
    public static byte[] Quotes(string type, IReadOnlyList<Quote> quotes, JsonSerializerOptions options, bool? complete = null) =>
        Write(options, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, type);
            writer.WritePropertyName("quotes"u8);
            JsonSerializer.Serialize(writer, quotes, options);
            if (complete is { } value)
            {
                writer.WriteBoolean("complete"u8, value);
            }
            writer.WriteEndObject();
        });

    public static byte[] Session(SessionEvent session, JsonSerializerOptions options) =>
        Write(options, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, "session");
            writer.WriteString("state"u8, session.State);
            writer.WritePropertyName("at"u8);
            Instant.Write(writer, session.At, options);
            writer.WriteEndObject();
        });

    public static byte[] Error(string? op, string message) =>
        Write(null, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, "error");
            if (op is null)
            {
                writer.WriteNull("op"u8);
            }
            else
            {
                writer.WriteString("op"u8, op);
            }
            writer.WriteString("message"u8, message);
            writer.WriteEndObject();
        });

    public static byte[] Heartbeat(DateTime at) =>
        Write(null, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, "heartbeat");
            writer.WritePropertyName("at"u8);
            Instant.Write(writer, at, JsonSerializerOptions.Default);
            writer.WriteEndObject();
        });

    // The writer escapes strings, so it takes the options' encoder: the same bytes as the fan-out's
    // composed quotes and as SignalR (whose options have the relaxed one).
    private static byte[] Write(JsonSerializerOptions? options, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = options?.Encoder }))
        {
            write(writer);
        }
        return buffer.WrittenSpan.ToArray();
    }
}
