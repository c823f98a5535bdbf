using System.Text.Json.Serialization;
using MessagePack;
using TickerService.Json;

namespace TickerService.Server.Widget;

/// <summary>
/// The answer to the hub's <c>GetSessionPoints</c>: one symbol's last prices since the session
/// opened, downsampled, as <c>[unixMilliseconds, last]</c> pairs oldest first. Compact on purpose:
/// a sparkline needs a time and a price, not whole quotes.
/// </summary>
[MessagePackObject]
public sealed record SessionPoints
{
    [Key("symbol")] public required string Symbol { get; init; }

    /// <summary>When the session these points belong to opened.</summary>
    [Key("from")]
    [JsonConverter(typeof(UtcMillisecondsConverter))]
    public required DateTime From { get; init; }

    [Key("points")] public required double[][] Points { get; init; }
}
