using System.Globalization;
using TickerService.Market;

namespace TickerService.Server.Recording;

/// <summary>
/// One symbol's bars to quotes, oldest first, one bar at a time: the mapping that
/// <see cref="PriceBars.ToQuotes"/> documents, kept in one place for the general path and the
/// streamed one (<see cref="StreamedBarWriter"/>).
/// </summary>
public sealed class PriceBarMapper(decimal tickSize, long lastSequence)
{
    private readonly TickScale _scale = new(tickSize);
    private long _sequence = lastSequence;
    private PriceBar? _previous;
    private long _previousClose;

    public decimal TickSize => tickSize;

    /// <summary>The timestamp of the last bar mapped, or null before the first.</summary>
    public DateTime? Newest => _previous?.Timestamp;

    /// <summary>The name the last bar mapped gave, or null before the first.</summary>
    public string? Name => _previous?.Name;

    /// <exception cref="RecordingFormatException">A price that rounds to 0 ticks.</exception>
    public Quote Next(PriceBar bar)
    {
        long open = Ticks(bar.Open, bar, "open"), high = Ticks(bar.High, bar, "high"),
            low = Ticks(bar.Low, bar, "low"), close = Ticks(bar.Close, bar, "close");
        var before = _previous is null ? open : _previousClose;
        var changePrice = _scale.ToPrice(close - before);
        var beforePrice = _scale.ToPrice(before);
        var quote = new Quote
        {
            Symbol = bar.Symbol,
            Name = bar.Name,
            Last = _scale.ToPrice(close),
            Change = changePrice,
            ChangePercent = Math.Round(100 * changePrice / beforePrice, 2, MidpointRounding.AwayFromZero),
            Open = _scale.ToPrice(open),
            High = _scale.ToPrice(high),
            Low = _scale.ToPrice(low),
            PreviousClose = beforePrice,
            Volume = bar.Volume,
            PreviousVolume = _previous?.Volume ?? 0,
            Buy = _scale.ToPrice(close + 1),
            Sell = _scale.ToPrice(close > 1 ? close - 1 : close),
            Timestamp = bar.Timestamp,
            Sequence = ++_sequence,
            Session = SessionState.Closed,
        };
        _previous = bar;
        _previousClose = close;
        return quote;
    }

    // A positive price can still round to 0 ticks (0.004 at a 0.01 tick): that bar cannot be quoted.
    private long Ticks(double price, PriceBar bar, string field)
    {
        var ticks = _scale.ToTicks(price);
        return ticks > 0
            ? ticks
            : throw new RecordingFormatException(bar.Line, field, string.Create(CultureInfo.InvariantCulture, $"{price} rounds to 0 at {bar.Symbol}'s tick of {_scale.Tick}"));
    }
}
