namespace TickerService.Market;

/// <summary>
/// Standard normal draws from a seeded <see cref="Random"/> (polar Box-Muller, keeping the spare),
/// so a seed pins every quote.
/// </summary>
internal sealed class GaussianSource(Random random)
{
    private double _spare;
    private bool _hasSpare;

    public Random Uniform { get; } = random;

    public double Next()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spare;
        }

        double u, v, s;
        do
        {
            u = 2 * Uniform.NextDouble() - 1;
            v = 2 * Uniform.NextDouble() - 1;
            s = u * u + v * v;
        }
        while (s >= 1 || s == 0);

        var factor = Math.Sqrt(-2 * Math.Log(s) / s);
        _spare = v * factor;
        _hasSpare = true;
        return u * factor;
    }
}
