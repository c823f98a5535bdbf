namespace TickerService.Market;

/// <summary>
/// Turns a whole number of ticks into the double that prints as that price. For a tick of 1/d
/// (0.01, 0.0001, 0.25) one IEEE division is exact to the nearest double, which prints without
/// float noise; any other tick goes through decimal, slower but just as clean.
/// </summary>
public readonly struct TickScale
{
    private readonly decimal _tick;
    private readonly double _tickAsDouble; // converted once: decimal to double is slow on a hot path
    private readonly double _divisor;

    public TickScale(decimal tick)
    {
        if (tick <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(tick), tick, "A tick size must be positive.");
        }
        _tick = tick;
        _tickAsDouble = (double)tick;
        var perUnit = 1m / tick;
        _divisor = perUnit == decimal.Truncate(perUnit) ? (double)perUnit : 0;
    }

    public decimal Tick => _tick;

    /// <summary>The tick as the nearest double.</summary>
    public double TickAsDouble => _tickAsDouble;

    public double ToPrice(long ticks) => _divisor != 0 ? ticks / _divisor : (double)(ticks * _tick);

    public long ToTicks(decimal price) => (long)decimal.Round(price / _tick, MidpointRounding.AwayFromZero);

    public long ToTicks(double price) => (long)Math.Round(price / _tickAsDouble, MidpointRounding.AwayFromZero);
}
