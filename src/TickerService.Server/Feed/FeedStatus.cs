using System.Text.Json.Serialization;
using MessagePack;
using TickerService.Json;

namespace TickerService.Server.Feed;

/// <summary>
/// What drives the live feed (SPEC section 9): returned by <c>GET /api/feed</c> and <c>GetFeed()</c>,
/// and sent to every client as <c>feed</c> when the mode starts or a replay loop restarts.
/// </summary>
[MessagePackObject]
public sealed record FeedStatus
{
    public const string Simulator = "simulator";
    public const string Replay = "replay";

    /// <summary><c>simulator</c> (manual mode too: the simulator, ticked by code) or <c>replay</c>.</summary>
    [Key("mode")] public required string Mode { get; init; }

    /// <summary>A replay's recorded-time multiplier (0: as fast as the feed takes); null for the simulator or a replay paced in instants a second.</summary>
    [Key("speed")] public required double? Speed { get; init; }

    /// <summary>A replay paced in recorded instants a second (<c>Ticker:Feed:Replay:InstantsPerSecond</c>); else null.</summary>
    [Key("instantsPerSecond")] public required double? InstantsPerSecond { get; init; }

    /// <summary>Replay: the recorded time being played (the newest quotes published). Simulator: now.</summary>
    [Key("at")]
    [JsonConverter(typeof(UtcMillisecondsConverter))]
    public required DateTime At { get; init; }
}
