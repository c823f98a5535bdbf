using System.Collections.Concurrent;
using System.Globalization;

namespace TickerService.Configuration;

/// <summary>
/// A generated universe for load tests (<c>Ticker:SyntheticInstrumentCount</c>): <c>SYN1</c> to
/// <c>SYNn</c>, the same for the same count. Activity falls off with rank as in a real market: the
/// first names trade many times a second, the tail once every few seconds or less.
/// </summary>
public static class SyntheticInstruments
{
    private static readonly ConcurrentDictionary<int, IReadOnlyList<InstrumentOptions>> Universes = new();

    public static IReadOnlyList<InstrumentOptions> Generate(int count) => Universes.GetOrAdd(count, Build);

    private static IReadOnlyList<InstrumentOptions> Build(int count)
    {
        // Its own seed: the universe does not change with the feed's seed.
        var random = new Random(20261202);
        var instruments = new InstrumentOptions[count];
        for (var i = 0; i < count; i++)
        {
            var rank = i + 1;
            var price = Math.Round((decimal)(5 + random.NextDouble() * 495), 2);
            instruments[i] = new InstrumentOptions
            {
                Symbol = "SYN" + rank.ToString(CultureInfo.InvariantCulture),
                Name = "Synthetic " + rank.ToString(CultureInfo.InvariantCulture),
                StartPrice = price,
                TickSize = 0.01m,
                Spread = 0.02m + Math.Round(price / 5_000m, 2),
                Volatility = 0.15 + random.NextDouble() * 0.45,
                TypicalVolume = (long)(50_000_000 / Math.Pow(rank, 0.7)) + 10_000,
                LotSize = 100,
                // Zipf-like: 20 trades a second for the first, 0.8 for the hundredth, 0.16 for the thousandth.
                TradesPerSecond = Math.Max(0.05, 20 / Math.Pow(rank, 0.7)),
            };
        }
        return instruments;
    }
}
