namespace TickerService.Configuration;

/// <summary>
/// What an energy-news reader follows: the majors, services and pipelines, and the energy futures.
/// Prices, spreads and volumes are plausible, not live; XOM opens at the stock box's 57.81.
/// </summary>
public static class DefaultInstruments
{
    public static IReadOnlyList<InstrumentOptions> All { get; } =
    [
        Stock("XOM", "EXXON Mobil", 57.81m, 0.15m, 0.24, 15_200_000),
        Stock("CVX", "Chevron", 151.20m, 0.06m, 0.25, 8_100_000),
        Stock("BP", "BP", 29.40m, 0.02m, 0.27, 9_600_000),
        Stock("SHEL", "Shell", 65.30m, 0.03m, 0.23, 4_300_000),
        Stock("TTE", "TotalEnergies", 61.05m, 0.03m, 0.24, 1_700_000),
        Stock("COP", "ConocoPhillips", 98.55m, 0.04m, 0.29, 6_200_000),
        Stock("EOG", "EOG Resources", 121.40m, 0.05m, 0.28, 3_100_000),
        Stock("OXY", "Occidental Petroleum", 48.70m, 0.02m, 0.33, 9_800_000),
        Stock("SLB", "SLB", 42.10m, 0.02m, 0.31, 11_400_000),
        Stock("ENB", "Enbridge", 42.60m, 0.02m, 0.18, 3_900_000),
        Future("CL=F", "WTI Crude Oil", 71.45m, 0.01m, 0.02m, 0.35, 310_000),
        Future("BZ=F", "Brent Crude Oil", 75.10m, 0.01m, 0.02m, 0.33, 190_000),
        Future("NG=F", "Natural Gas", 3.215m, 0.001m, 0.003m, 0.60, 150_000),
        Future("RB=F", "RBOB Gasoline", 2.0850m, 0.0001m, 0.0004m, 0.38, 60_000),
        Future("HO=F", "Heating Oil", 2.3120m, 0.0001m, 0.0004m, 0.34, 55_000),
    ];

    private static InstrumentOptions Stock(string symbol, string name, decimal price, decimal spread, double volatility, long volume) =>
        new()
        {
            Symbol = symbol, Name = name, StartPrice = price, Spread = spread, Volatility = volatility,
            TypicalVolume = volume, TickSize = 0.01m, LotSize = 100, Currency = "USD",
        };

    private static InstrumentOptions Future(string symbol, string name, decimal price, decimal tick, decimal spread, double volatility, long volume) =>
        new()
        {
            Symbol = symbol, Name = name, StartPrice = price, Spread = spread, Volatility = volatility,
            TypicalVolume = volume, TickSize = tick, LotSize = 1, Currency = "USD",
        };
}
