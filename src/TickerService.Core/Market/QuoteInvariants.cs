using System.Globalization;

namespace TickerService.Market;

/// <summary>
/// The SPEC section 1 invariants of a quote, in one place: imports and replay files are checked
/// with them and the simulator's property test asserts them. Each check returns the first
/// violation (naming the field), or null when the quote keeps every rule.
/// </summary>
/// <remarks>
/// Prices must be whole ticks that print without float noise: the double must be exactly the one
/// <see cref="TickScale"/> makes from its tick count, which is also the double that parsing the
/// price's shortest text gives (57.15 passes, 57.150000000000006 and 57.155 do not).
/// </remarks>
public static class QuoteInvariants
{
    /// <summary>
    /// The tick of a symbol that is not configured (SPEC: "0.01 unless the instrument says
    /// otherwise"): a recording that brings other symbols must price them in cents.
    /// </summary>
    public const decimal DefaultTickSize = 0.01m;

    /// <summary>The tick size a quote of <paramref name="symbol"/> is checked against: the configured one, else <see cref="DefaultTickSize"/>.</summary>
    public static decimal TickSizeOf(InstrumentCatalog catalog, string symbol) =>
        catalog.TryGetIndex(symbol, out var index) ? catalog.Options[index].TickSize : DefaultTickSize;

    /// <summary>The rules one quote keeps on its own.</summary>
    public static QuoteViolation? Check(Quote q, decimal tickSize)
    {
        var c = CultureInfo.InvariantCulture;
        if (!Symbols.IsWellFormed(q.Symbol))
        {
            return new("symbol", $"'{q.Symbol}' is not a symbol (1 to 12 of A-Z 0-9 . - _ =)");
        }
        if (string.IsNullOrWhiteSpace(q.Name))
        {
            return new("name", "the name is empty");
        }
        var scale = new TickScale(tickSize);
        // Field by field rather than a list of them: this runs once per quote of a 100,000-row import.
        var bad = Price("last", q.Last, scale) ?? Price("change", q.Change, scale) ?? Price("open", q.Open, scale) ??
            Price("high", q.High, scale) ?? Price("low", q.Low, scale) ?? Price("previousClose", q.PreviousClose, scale) ??
            Price("buy", q.Buy, scale) ?? Price("sell", q.Sell, scale);
        if (bad is not null)
        {
            return bad;
        }
        if (!(q.Sell > 0))
        {
            return new("sell", string.Create(c, $"sell ({q.Sell}) must be above 0"));
        }
        if (!(q.Sell < q.Buy))
        {
            return new("buy", string.Create(c, $"buy ({q.Buy}) must be above sell ({q.Sell})"));
        }
        if (!(q.Low <= q.Open && q.Open <= q.High))
        {
            return new("open", string.Create(c, $"open ({q.Open}) must lie between low ({q.Low}) and high ({q.High})"));
        }
        if (!(q.Low <= q.Last && q.Last <= q.High))
        {
            return new("last", string.Create(c, $"last ({q.Last}) must lie between low ({q.Low}) and high ({q.High})"));
        }
        if (scale.ToTicks(q.Change) != scale.ToTicks(q.Last) - scale.ToTicks(q.PreviousClose))
        {
            return new("change", string.Create(c, $"change ({q.Change}) must be last - previousClose ({q.Last} - {q.PreviousClose})"));
        }
        // Rounded to hundredths (or finer) from the exact ratio, whatever the rounding mode.
        if (!double.IsFinite(q.ChangePercent) ||
            (q.PreviousClose != 0 && Math.Abs(q.ChangePercent - 100 * q.Change / q.PreviousClose) > 0.005 + 1e-9))
        {
            return new("changePercent", string.Create(c, $"changePercent ({q.ChangePercent}) must be 100 * change / previousClose"));
        }
        if (q.Volume < 0 || q.PreviousVolume < 0)
        {
            return new(q.Volume < 0 ? "volume" : "previousVolume", "volumes cannot be negative");
        }
        if (q.Session is not (SessionState.Open or SessionState.Closed))
        {
            return new("session", $"'{q.Session}' is not a session state (open or closed)");
        }
        if (q.Timestamp.Kind != DateTimeKind.Utc || q.Timestamp.Ticks % TimeSpan.TicksPerMillisecond != 0)
        {
            return new("timestamp", "timestamps are UTC with whole milliseconds");
        }
        return null;
    }

    /// <summary>The rule between two quotes of one symbol in time order: <c>sequence</c> strictly increases.</summary>
    public static QuoteViolation? CheckSuccessor(Quote previous, Quote next)
    {
        if (next.Timestamp < previous.Timestamp)
        {
            return new("timestamp", $"{next.Symbol}'s timestamp goes back in time");
        }
        if (next.Sequence <= previous.Sequence)
        {
            return new("sequence", $"{next.Symbol}'s sequence {next.Sequence} does not follow {previous.Sequence}: it must increase per symbol");
        }
        return null;
    }

    /// <summary>True when <paramref name="price"/> is exactly the double of a whole number of ticks.</summary>
    public static bool IsWholeTicks(double price, TickScale scale) =>
        Math.Abs(price / scale.TickAsDouble) < long.MaxValue / 2 && scale.ToPrice(scale.ToTicks(price)) == price;

    private static QuoteViolation? Price(string field, double price, TickScale scale)
    {
        if (!double.IsFinite(price))
        {
            return new(field, $"{field} ({price.ToString(CultureInfo.InvariantCulture)}) is not a finite number");
        }
        return IsWholeTicks(price, scale)
            ? null
            : new(field, string.Create(CultureInfo.InvariantCulture, $"{field} ({price}) is not a whole number of {scale.Tick} ticks"));
    }
}
