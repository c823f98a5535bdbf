using System.Text.Json.Serialization;
using MessagePack;
using TickerService.Json;

namespace TickerService.Market;

/// <summary>Sent to clients as <c>session</c> when the market opens or closes.</summary>
[MessagePackObject]
public sealed record SessionEvent
{
    [Key("state")] public required string State { get; init; }

    [Key("at")]
    [JsonConverter(typeof(UtcMillisecondsConverter))]
    public required DateTime At { get; init; }
}
