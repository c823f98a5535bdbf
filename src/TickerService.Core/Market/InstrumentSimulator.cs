using TickerService.Configuration;

namespace TickerService.Market;

/// <summary>
/// The price, book and volume of one instrument. The price follows geometric Brownian motion;
/// bid and ask sit around it at the instrument's spread (jittered by a tick); volume grows in
/// lumps of whole lots, with rare block trades. State is kept in whole ticks, so every price
/// published is a whole number of ticks.
/// </summary>
internal sealed class InstrumentSimulator
{
    // One simulated trading year: 252 sessions of 6.5 hours, the convention volatility is quoted in.
    private const double TradingSecondsPerYear = 252 * 6.5 * 3600;
    private const double TradingSecondsPerSession = 6.5 * 3600;

    // Trades are lognormal in lots (mean MeanLots); one in BlockOdds is a block BlockFactor times larger.
    private const double MeanLots = 3;
    private const double LotSigma = 0.8;
    private const double BlockOdds = 0.01;
    private const double BlockFactor = 20;

    private readonly InstrumentOptions _options;
    private readonly TickScale _scale;
    private readonly double _driftPerTick;
    private readonly double _volatilityPerTick;
    private readonly long _spreadTicks;
    private readonly double _tradeProbability;
    private readonly double _meanLotsPerTrade;
    private readonly double _quoteProbability;

    // Ticks since the last quote: the price diffuses over all of them when the instrument next trades.
    private int _quietTicks;

    private double _price;
    private long _last;
    private long _open;
    private long _high;
    private long _low;
    private long _previousClose;
    private long _volume;
    private long _previousVolume;
    private long _sequence;

    public InstrumentSimulator(InstrumentOptions options, TimeSpan tickInterval, GaussianSource random)
    {
        _options = options;
        _scale = new TickScale(options.TickSize);

        var dt = tickInterval.TotalSeconds / TradingSecondsPerYear;
        _volatilityPerTick = options.Volatility * Math.Sqrt(dt);
        _driftPerTick = (options.Drift - 0.5 * options.Volatility * options.Volatility) * dt;
        _spreadTicks = Math.Max(1, _scale.ToTicks(options.Spread));

        // Expected volume per tick, split into a chance of a trade and its mean size in lots.
        var volumePerTick = options.TypicalVolume * tickInterval.TotalSeconds / TradingSecondsPerSession;
        var meanTradeVolume = options.LotSize * MeanLots * (1 + BlockOdds * (BlockFactor - 1));
        _tradeProbability = Math.Min(1, volumePerTick / meanTradeVolume);
        _meanLotsPerTrade = MeanLots * Math.Max(1, volumePerTick / meanTradeVolume);

        // With a trade rate, a tick quotes the instrument when a Poisson process of that rate
        // fires in it, and each quote is a trade of the volume that accrued since the last one.
        if (options.TradesPerSecond is { } rate)
        {
            _quoteProbability = 1 - Math.Exp(-rate * tickInterval.TotalSeconds);
            _tradeProbability = 1;
            _meanLotsPerTrade = Math.Max(1, options.TypicalVolume / (rate * TradingSecondsPerSession) / options.LotSize / (1 + BlockOdds * (BlockFactor - 1)));
        }
        else
        {
            _quoteProbability = 1;
        }

        var start = Math.Max(_scale.ToTicks(options.StartPrice), _spreadTicks + 1);
        _price = start;
        _last = _open = _high = _low = _previousClose = start;
        _previousVolume = (long)(options.TypicalVolume * Math.Exp(0.2 * random.Next()));
    }

    public string Symbol => _options.Symbol;

    /// <summary>The last sequence number published; the next quote carries one more.</summary>
    public long Sequence
    {
        get => _sequence;
        set => _sequence = value;
    }

    /// <summary>
    /// Whether the instrument trades in this tick. Always, without a trade rate (and then no random
    /// number is drawn, so such a market gives the same quotes as before rates existed).
    /// </summary>
    public bool Trades(GaussianSource random)
    {
        if (_quoteProbability >= 1 || random.Uniform.NextDouble() < _quoteProbability)
        {
            return true;
        }
        _quietTicks++;
        return false;
    }

    /// <summary>One tick of trading: the price moves, volume may grow, the book is re-quoted.</summary>
    public Quote Trade(GaussianSource random, DateTime timestamp)
    {
        // The price moved over every tick since the last quote: drift and variance add up.
        var ticks = _quietTicks + 1;
        _quietTicks = 0;
        // _price is in ticks; keep it at least a spread above zero so the bid stays positive.
        _price *= Math.Exp(_driftPerTick * ticks + _volatilityPerTick * Math.Sqrt(ticks) * random.Next());
        _price = Math.Max(_price, _spreadTicks + 1);

        _last = (long)Math.Round(_price, MidpointRounding.AwayFromZero);
        _high = Math.Max(_high, _last);
        _low = Math.Min(_low, _last);
        _volume += NextVolume(random);
        return Publish(random, timestamp, SessionState.Open);
    }

    /// <summary>The last state again, marked with the session's state (at an open or a close).</summary>
    public Quote Announce(GaussianSource random, DateTime timestamp, string session) => Publish(random, timestamp, session);

    /// <summary>A new session: the finished one becomes "previous", the new one opens at the last price.</summary>
    public void Roll()
    {
        _previousClose = _last;
        _previousVolume = _volume;
        _volume = 0;
        _open = _high = _low = _last;
        _quietTicks = 0;
    }

    private long NextVolume(GaussianSource random)
    {
        if (random.Uniform.NextDouble() >= _tradeProbability)
        {
            return 0;
        }
        var lots = _meanLotsPerTrade * Math.Exp(LotSigma * random.Next() - 0.5 * LotSigma * LotSigma);
        if (random.Uniform.NextDouble() < BlockOdds)
        {
            lots *= BlockFactor;
        }
        return Math.Max(1, (long)Math.Round(lots)) * _options.LotSize;
    }

    private Quote Publish(GaussianSource random, DateTime timestamp, string session)
    {
        // The spread breathes by a tick either way, never below one tick.
        var spread = _spreadTicks + (_spreadTicks > 1 ? random.Uniform.Next(-1, 2) : random.Uniform.Next(0, 2));
        var sell = Math.Max(1, (long)Math.Floor(_price - spread / 2.0));
        var buy = sell + spread;
        var change = _last - _previousClose;

        return new Quote
        {
            Symbol = _options.Symbol,
            Name = _options.Name,
            Last = _scale.ToPrice(_last),
            Change = _scale.ToPrice(change),
            // Rounded to hundredths by an exact division, so it prints as cleanly as a price.
            ChangePercent = Math.Round(10_000.0 * change / _previousClose, MidpointRounding.AwayFromZero) / 100,
            Open = _scale.ToPrice(_open),
            High = _scale.ToPrice(_high),
            Low = _scale.ToPrice(_low),
            PreviousClose = _scale.ToPrice(_previousClose),
            Volume = _volume,
            PreviousVolume = _previousVolume,
            Buy = _scale.ToPrice(buy),
            Sell = _scale.ToPrice(sell),
            Timestamp = timestamp,
            Sequence = ++_sequence,
            Session = session,
        };
    }
}
