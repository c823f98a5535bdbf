using System.Text.Json.Serialization;
using MessagePack;
using TickerService.Json;

namespace TickerService.Market;

/// <summary>
/// One quote, shaped like the stock box of an energy-news page (SPEC section 1).
/// Immutable: the same instance is cached, recorded and broadcast to every client.
/// </summary>
/// <remarks>
/// Prices are doubles that were made from a whole number of ticks, so they print without float
/// noise (57.15, never 57.150000000000006). MessagePack keys are the JSON names, so both
/// protocols carry the same camelCase fields.
/// </remarks>
[MessagePackObject]
public sealed record Quote
{
    [Key("symbol")] public required string Symbol { get; init; }
    [Key("name")] public required string Name { get; init; }
    [Key("last")] public required double Last { get; init; }
    [Key("change")] public required double Change { get; init; }
    [Key("changePercent")] public required double ChangePercent { get; init; }
    [Key("open")] public required double Open { get; init; }
    [Key("high")] public required double High { get; init; }
    [Key("low")] public required double Low { get; init; }
    [Key("previousClose")] public required double PreviousClose { get; init; }
    [Key("volume")] public required long Volume { get; init; }
    [Key("previousVolume")] public required long PreviousVolume { get; init; }
    [Key("buy")] public required double Buy { get; init; }
    [Key("sell")] public required double Sell { get; init; }

    /// <summary>UTC, whole milliseconds; JSON prints it as <c>2026-11-27T23:00:00.123Z</c>.</summary>
    [Key("timestamp")]
    [JsonConverter(typeof(UtcMillisecondsConverter))]
    public required DateTime Timestamp { get; init; }

    [Key("sequence")] public required long Sequence { get; init; }
    [Key("session")] public required string Session { get; init; }
}
