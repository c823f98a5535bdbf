using System.Text.Json.Serialization;
using MessagePack;
using TickerService.Json;

namespace TickerService.Market;

/// <summary>
/// What a client asks <c>Replay</c> for (SPEC section 4): recorded quotes of some symbols
/// (<c>["*"]</c>: all) from one time to another (<c>to</c> empty: now), at a speed (1 recorded
/// time, 10 ten times faster, 0 as fast as the client reads), under an id the client chose.
/// </summary>
[MessagePackObject]
public sealed record ReplayRequest
{
    [Key("symbols")] public string?[]? Symbols { get; init; }

    [Key("from")]
    [JsonConverter(typeof(UtcMillisecondsConverter))]
    public DateTime From { get; init; }

    [Key("to")] public DateTime? To { get; init; }

    [Key("speed")] public double Speed { get; init; } = 1;

    [Key("replayId")] public string? ReplayId { get; init; }
}
