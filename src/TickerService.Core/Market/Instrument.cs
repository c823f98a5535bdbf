using MessagePack;

namespace TickerService.Market;

/// <summary>What a client needs to know to show an instrument (returned by <c>GetInstruments</c>).</summary>
[MessagePackObject]
public sealed record Instrument
{
    [Key("symbol")] public required string Symbol { get; init; }
    [Key("name")] public required string Name { get; init; }
    [Key("currency")] public required string Currency { get; init; }
    [Key("tickSize")] public required double TickSize { get; init; }

    /// <summary>Decimal places a price of this instrument needs (2 for a 0.01 tick).</summary>
    [Key("decimals")] public required int Decimals { get; init; }

    /// <summary>
    /// True when the simulator quotes it live; false when its quotes come from a recording (every
    /// instrument in replay mode, SPEC section 7).
    /// </summary>
    [Key("simulated")] public required bool Simulated { get; init; }
}
