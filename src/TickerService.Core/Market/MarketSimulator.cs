namespace TickerService.Market;

/// <summary>
/// A simulated market: every instrument of the catalog, one seeded random source, and the
/// session state. Deterministic for a seed: the same calls give the same quotes. Not thread-safe;
/// <see cref="SimulatedMarket"/> serialises the calls.
/// </summary>
public sealed class MarketSimulator
{
    private readonly GaussianSource _random;
    private readonly InstrumentSimulator[] _instruments;

    public MarketSimulator(InstrumentCatalog catalog, TimeSpan tickInterval, int seed, bool open = true)
    {
        if (tickInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(tickInterval), tickInterval, "The tick interval must be positive.");
        }
        Catalog = catalog;
        _random = new GaussianSource(new Random(seed));
        _instruments = [.. catalog.Options.Select(o => new InstrumentSimulator(o, tickInterval, _random))];
        IsOpen = open;
    }

    public InstrumentCatalog Catalog { get; }

    public bool IsOpen { get; private set; }

    /// <summary>
    /// One quote per instrument that traded in this tick (every instrument without a trade rate),
    /// in catalog order; none while the market is closed.
    /// </summary>
    public Quote[] Tick(DateTime timestamp)
    {
        if (!IsOpen)
        {
            return [];
        }
        var quotes = new Quote[_instruments.Length];
        var count = 0;
        foreach (var instrument in _instruments)
        {
            if (instrument.Trades(_random))
            {
                quotes[count++] = instrument.Trade(_random, timestamp);
            }
        }
        return count == quotes.Length ? quotes : quotes[..count];
    }

    /// <summary>
    /// Opens a session; when one is already open, rolls it (the finished session's volume and
    /// last price become the previous ones). Returns the opening quote of every instrument.
    /// </summary>
    public Quote[] OpenSession(DateTime timestamp)
    {
        IsOpen = true;
        return Announce(timestamp, SessionState.Open, roll: true);
    }

    /// <summary>Closes the session; returns every instrument's closing quote, marked closed.</summary>
    public Quote[] CloseSession(DateTime timestamp)
    {
        if (!IsOpen)
        {
            return [];
        }
        IsOpen = false;
        return Announce(timestamp, SessionState.Closed, roll: false);
    }

    /// <summary>Every instrument's current state as a quote, without trading: what a new feed publishes first.</summary>
    public Quote[] Snapshot(DateTime timestamp) =>
        Announce(timestamp, IsOpen ? SessionState.Open : SessionState.Closed, roll: false);

    /// <summary>Continues each symbol's sequence from a known last value (after a restart).</summary>
    public void ContinueSequences(IReadOnlyDictionary<string, long> lastSequenceBySymbol)
    {
        foreach (var instrument in _instruments)
        {
            if (lastSequenceBySymbol.TryGetValue(instrument.Symbol, out var last) && last > instrument.Sequence)
            {
                instrument.Sequence = last;
            }
        }
    }

    private Quote[] Announce(DateTime timestamp, string session, bool roll)
    {
        var quotes = new Quote[_instruments.Length];
        for (var i = 0; i < quotes.Length; i++)
        {
            if (roll)
            {
                _instruments[i].Roll();
            }
            quotes[i] = _instruments[i].Announce(_random, timestamp, session);
        }
        return quotes;
    }
}
