using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.InteropServices;
using nietras.SeparatedValues;
using TickerService.Market;

namespace TickerService.Server.Recording;

/// <summary>
/// Price bars as people download them (SPEC 8): CSV with a header holding <c>date</c> (or
/// <c>timestamp</c>), <c>open</c>, <c>high</c>, <c>low</c>, <c>close</c>, and optionally
/// <c>volume</c>, <c>symbol</c>, <c>name</c>; other columns (<c>adjclose</c>...) are ignored.
/// <see cref="Read"/> checks every row and refuses the file at the first bad line and field;
/// <see cref="ToQuotes"/> turns each bar into one quote that keeps every SPEC 1 invariant.
/// </summary>
/// <remarks>
/// <para>A date without a time of day is placed at <see cref="SessionTime"/> (21:00 UTC) of that
/// day: after the close of New York (16:00 EST = 21:00 UTC, 20:00 UTC in summer), London and
/// Tokyo, and before any of them opens the next day, so a daily bar's quote, the state at the
/// close, sits after its own session everywhere and its UTC date is the bar's date.</para>
/// <para>Bars are sorted per symbol by time (stable, so a refusal names lines as the file has
/// them): Yahoo writes oldest first, Stooq and others often newest first.</para>
/// </remarks>
public static class PriceBars
{
    public const string Format = "bars";

    /// <summary>Bars handed to a streaming writer at a time (<see cref="Read"/>).</summary>
    public const int BatchSize = 256;

    /// <summary>Where a date-only bar is placed in its day (UTC).</summary>
    public static readonly TimeSpan SessionTime = TimeSpan.FromHours(21);

    private static readonly SepReaderOptions CsvReader = Sep.New(',').Reader(o => o with { Unescape = true, DisableColCountCheck = true });

    /// <summary>
    /// Reads and checks every bar. <paramref name="symbol"/> and <paramref name="name"/> stand for
    /// missing columns; <paramref name="latest"/> is the newest time a bar may carry (now and the
    /// clock skew allowed).
    /// </summary>
    /// <param name="parsed">
    /// Optional: receives the bars in file order as they are read, <see cref="BatchSize"/> at a
    /// time (the last batch shorter), so a writer can start before the file is read to the end.
    /// Not completed here: the caller marks it complete, whether this returns or throws.
    /// </param>
    /// <exception cref="RecordingFormatException">The first bad line and field.</exception>
    public static List<PriceBar> Read(string text, string? symbol, string? name, DateTime latest, BlockingCollection<PriceBar[]>? parsed = null)
    {
        var bars = new List<PriceBar>();
        using var reader = CsvReader.FromText(text);
        if (reader.IsEmpty)
        {
            return bars;
        }
        var columns = Columns.Of(reader.Header, symbol);
        var fixedSymbol = symbol?.Trim().ToUpperInvariant();
        if (columns.Symbol < 0 && !Symbols.IsWellFormed(fixedSymbol))
        {
            throw new RecordingFormatException(1, "symbol", $"'{symbol}' given as ?symbol= is not a symbol (1 to 12 of A-Z 0-9 . - _ =)");
        }
        var seen = new HashSet<(string, DateTime)>();
        var published = 0;
        var line = 2;
        while (RecordingFormats.Next(reader, ref line))
        {
            var row = reader.Current;
            line = row.LineNumberFrom;
            if (row.ColCount == 1 && row.Span.IsWhiteSpace())
            {
                continue;
            }
            var bar = Bar(row, columns, line, fixedSymbol, name, latest);
            if (!seen.Add((bar.Symbol, bar.Timestamp)))
            {
                throw new RecordingFormatException(line, columns.DateName, $"{bar.Symbol} has a bar at {bar.Timestamp:yyyy-MM-dd'T'HH:mm:ss'Z'} already: each date once per symbol");
            }
            bars.Add(bar);
            if (parsed is not null && bars.Count - published == BatchSize)
            {
                published = Publish(bars, published, parsed);
            }
        }
        if (parsed is not null && bars.Count > published)
        {
            Publish(bars, published, parsed);
        }
        return bars;
    }

    // Unbounded: the bars are held in memory anyway (the file is, under its cap).
    private static int Publish(List<PriceBar> bars, int from, BlockingCollection<PriceBar[]> parsed)
    {
        parsed.Add(CollectionsMarshal.AsSpan(bars)[from..].ToArray());
        return bars.Count;
    }

    /// <summary>
    /// One quote per bar, per symbol in time order (the order quotes are written and replayed):
    /// <list type="bullet">
    /// <item>last = close; open, high, low as the bar's; all rounded to the symbol's tick.</item>
    /// <item>previousClose = the previous bar's close; the first bar's own open (no earlier close
    /// is known, and its open is where the day started), so its change is the day's move.</item>
    /// <item>change = last - previousClose; changePercent = 100 * change / previousClose, to 2 places.</item>
    /// <item>buy = close + one tick, sell = close - one tick (close itself when that would be 0):
    /// a bar has no spread, and the narrowest one keeps sell &lt; buy.</item>
    /// <item>volume = the bar's (0 without the column); previousVolume = the previous bar's (0 for the first).</item>
    /// <item>session "closed": a bar is the state once its session is over.</item>
    /// <item>sequence continues the symbol's highest recorded one (1 for a new symbol), so the
    /// recording's rule that sequences rise in time order holds when the bars come after it.</item>
    /// </list>
    /// </summary>
    public static List<NumberedQuote> ToQuotes(IEnumerable<PriceBar> bars, Func<string, decimal> tickSizeOf, IReadOnlyDictionary<string, long> lastSequences)
    {
        var quotes = new List<NumberedQuote>(bars.TryGetNonEnumeratedCount(out var count) ? count : 0);
        foreach (var (symbol, symbolBars) in InTimeOrder(bars))
        {
            var mapper = new PriceBarMapper(tickSizeOf(symbol), lastSequences.TryGetValue(symbol, out var last) ? last : 0);
            foreach (var bar in symbolBars)
            {
                quotes.Add(new NumberedQuote(bar.Line, mapper.Next(bar)));
            }
        }
        return quotes;
    }

    // Each symbol's bars (symbols in the order the file names them first), oldest first. Files
    // are mostly in order already (or newest first): a check, and a sort only when it fails.
    private static List<(string Symbol, List<PriceBar> Bars)> InTimeOrder(IEnumerable<PriceBar> bars)
    {
        var bySymbol = new Dictionary<string, List<PriceBar>>(StringComparer.Ordinal);
        var order = new List<(string, List<PriceBar>)>();
        foreach (var bar in bars)
        {
            if (!bySymbol.TryGetValue(bar.Symbol, out var list))
            {
                bySymbol.Add(bar.Symbol, list = []);
                order.Add((bar.Symbol, list));
            }
            list.Add(bar);
        }
        foreach (var (_, list) in order)
        {
            for (var i = 1; i < list.Count; i++)
            {
                if (list[i].Timestamp < list[i - 1].Timestamp)
                {
                    // Stable (the line breaks ties), as a refusal must name lines in the file's order.
                    list.Sort(static (a, b) => a.Timestamp != b.Timestamp ? a.Timestamp.CompareTo(b.Timestamp) : a.Line.CompareTo(b.Line));
                    break;
                }
            }
        }
        return order;
    }

    private static PriceBar Bar(SepReader.Row row, Columns columns, int line, string? fixedSymbol, string? fixedName, DateTime latest)
    {
        var symbol = columns.Symbol >= 0 ? Text(row, columns.Symbol, "symbol", line).ToUpperInvariant() : fixedSymbol!;
        if (!Symbols.IsWellFormed(symbol))
        {
            throw new RecordingFormatException(line, "symbol", $"'{symbol}' is not a symbol (1 to 12 of A-Z 0-9 . - _ =)");
        }
        var name = columns.Name >= 0 ? Text(row, columns.Name, "name", line) : fixedName?.Trim();
        var timestamp = Timestamp(Span(row, columns.Date, columns.DateName, line), line, columns.DateName);
        if (timestamp > latest)
        {
            throw new RecordingFormatException(line, columns.DateName, $"{timestamp:yyyy-MM-dd'T'HH:mm:ss'Z'} is in the future (a date-only bar stands at {SessionTime.Hours}:00 UTC of its day)");
        }
        double open = Price(row, columns.Open, "open", line), high = Price(row, columns.High, "high", line),
            low = Price(row, columns.Low, "low", line), close = Price(row, columns.Close, "close", line);
        var c = CultureInfo.InvariantCulture;
        if (high < Math.Max(open, close) || high < low)
        {
            throw new RecordingFormatException(line, "high", string.Create(c, $"high ({high}) is below the open ({open}), close ({close}) or low ({low})"));
        }
        if (low > Math.Min(open, close))
        {
            throw new RecordingFormatException(line, "low", string.Create(c, $"low ({low}) is above the open ({open}) or close ({close})"));
        }
        return new PriceBar(line, symbol, string.IsNullOrWhiteSpace(name) ? symbol : name, timestamp, open, high, low, close,
            columns.Volume >= 0 ? Volume(Span(row, columns.Volume, "volume", line), line) : 0);
    }

    private static string Text(SepReader.Row row, int column, string field, int line) => column < row.ColCount
        ? row[column].ToString().Trim()
        : throw new RecordingFormatException(line, field, $"the field is missing: the row has {row.ColCount} fields");

    // Numbers and dates are parsed from the row's own characters: no string per field on the hot path.
    private static ReadOnlySpan<char> Span(SepReader.Row row, int column, string field, int line) => column < row.ColCount
        ? row[column].Span.Trim()
        : throw new RecordingFormatException(line, field, $"the field is missing: the row has {row.ColCount} fields");

    private static double Price(SepReader.Row row, int column, string field, int line)
    {
        var text = Span(row, column, field, line);
        // Sep's own parser (csFastFloat, correctly rounded like double.Parse) reads a plain field
        // about three times faster; a padded or unusual one goes to double.TryParse. It takes
        // thousands separators, which a price file must not have: 1,000 is 1000 or 1.0 by locale.
        if ((text.Contains(',') ? null : row[column].TryParse<double>()) is not { } value &&
            !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) || !double.IsFinite(value))
        {
            throw new RecordingFormatException(line, field, $"'{text}' is not a number");
        }
        return value > 0 ? value : throw new RecordingFormatException(line, field, $"{field} ({text}) must be above 0");
    }

    private static DateTime Timestamp(ReadOnlySpan<char> text, int line, string field)
    {
        // A date is exactly 10 characters: asking the exact parser of anything longer (every
        // timestamped row) costs as much as reading the timestamp itself.
        if (text.Length == 10 && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date.ToDateTime(TimeOnly.FromTimeSpan(SessionTime), DateTimeKind.Utc);
        }
        if (text.Length > 10 && (IsoTimestamp.TryParse(text, out var utc) || TryParseAny(text, out utc)))
        {
            return utc.Ticks % TimeSpan.TicksPerMillisecond == 0
                ? utc
                : throw new RecordingFormatException(line, field, $"'{text}' is finer than a millisecond");
        }
        throw new RecordingFormatException(line, field, $"'{text}' is not a date (yyyy-MM-dd) or an ISO-8601 timestamp");
    }

    // The shapes IsoTimestamp does not read by position; no offset means UTC.
    private static bool TryParseAny(ReadOnlySpan<char> text, out DateTime utc)
    {
        var parsed = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at);
        utc = at.UtcDateTime;
        return parsed;
    }

    // Integers, or whole numbers written with a fraction (some tools write 3452650000.0); empty is 0.
    private static long Volume(ReadOnlySpan<char> text, int line)
    {
        if (text.Length == 0)
        {
            return 0;
        }
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var volume) ||
            (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var whole) && whole == Math.Floor(whole) && Math.Abs(whole) < 1e18 && (volume = (long)whole) == whole))
        {
            return volume >= 0 ? volume : throw new RecordingFormatException(line, "volume", $"volume ({text}) cannot be negative");
        }
        throw new RecordingFormatException(line, "volume", $"'{text}' is not a whole number");
    }

    private readonly record struct Columns(int Date, string DateName, int Open, int High, int Low, int Close, int Volume, int Symbol, int Name)
    {
        public static Columns Of(SepReaderHeader header, string? symbol)
        {
            var names = header.ColNames.Select(n => n.Trim().ToLowerInvariant()).ToList();
            int Required(string field) => names.IndexOf(field) is >= 0 and var i
                ? i
                : throw new RecordingFormatException(1, field, $"the header row has no '{field}' column (it needs date or timestamp, open, high, low, close; volume, symbol, name optional)");
            var date = names.IndexOf("date");
            var dateName = "date";
            if (date < 0 && names.IndexOf("timestamp") is >= 0 and var timestamp)
            {
                (date, dateName) = (timestamp, "timestamp");
            }
            if (date < 0)
            {
                Required("date");
            }
            var symbolColumn = names.IndexOf("symbol");
            if (symbolColumn < 0 && string.IsNullOrWhiteSpace(symbol))
            {
                throw new RecordingFormatException(1, "symbol", "the header row has no 'symbol' column and no ?symbol= was given: say whose bars these are");
            }
            return new Columns(date, dateName, Required("open"), Required("high"), Required("low"), Required("close"),
                names.IndexOf("volume"), symbolColumn, names.IndexOf("name"));
        }
    }
}

/// <summary>One checked bar: the 1-based line it came from, for errors found later.</summary>
public sealed record PriceBar(int Line, string Symbol, string Name, DateTime Timestamp, double Open, double High, double Low, double Close, long Volume);
