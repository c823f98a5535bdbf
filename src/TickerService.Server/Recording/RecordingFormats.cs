using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using nietras.SeparatedValues;
using TickerService.Market;

namespace TickerService.Server.Recording;

/// <summary>
/// Recordings in and out: JSON Lines (one quote object a line, SPEC field names) or CSV (a header
/// row of the same names, RFC 4180 quoting by Sep). Whatever export writes, import reads back
/// exactly: names with commas, quotes, line breaks, a leading <c>=</c> or any Unicode included.
/// Parsing names the first bad line and field and checks every quote with
/// <see cref="QuoteInvariants"/>, and each symbol's quotes against the previous one of the file.
/// </summary>
/// <remarks>
/// CSV export writes names as they are (no <c>'</c> prefix against spreadsheet formulas): the file
/// is for import and tools, and names come only from configuration and administrators' imports.
/// </remarks>
public static class RecordingFormats
{
    public const string JsonLines = "jsonl";
    public const string Csv = "csv";

    public static readonly string[] Fields =
        ["symbol", "name", "last", "change", "changePercent", "open", "high", "low", "previousClose", "volume", "previousVolume", "buy", "sell", "timestamp", "sequence", "session"];

    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    // Strict numbers: the Web defaults would read "57.15" (a string) as a number, which SPEC 8 refuses.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.Strict,
        AllowDuplicateProperties = false,
    };

    private static readonly SepReaderOptions CsvReader = Sep.New(',').Reader(o => o with { Unescape = true, DisableColCountCheck = true });

    private static readonly SepWriterOptions CsvWriter = Sep.New(',').Writer(o => o with { Escape = true, CultureInfo = CultureInfo.InvariantCulture });

    public static string ContentType(string format) => format == Csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";

    public static string CsvHeader => string.Join(',', Fields);

    public static string ToJsonLine(Quote quote) => JsonSerializer.Serialize(quote, Json);

    /// <summary>Writes quotes as they are read, flushing now and then, so a long range is never held whole.</summary>
    public static async Task WriteAsync(Stream body, IEnumerable<Quote> quotes, string format, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(body, new UTF8Encoding(false), bufferSize: 64 * 1024, leaveOpen: true);
        await using var csv = format == Csv ? CsvWriter.To(writer, leaveOpen: true) : null;
        csv?.Header.Add(Fields);
        var count = 0;
        foreach (var quote in quotes)
        {
            if (csv is null)
            {
                await writer.WriteLineAsync(ToJsonLine(quote).AsMemory(), cancellationToken);
            }
            else
            {
                await WriteCsvRowAsync(csv, quote, cancellationToken);
            }
            if (++count % 1000 == 0)
            {
                await (csv?.FlushAsync(cancellationToken) ?? Task.CompletedTask);
                await writer.FlushAsync(cancellationToken);
            }
        }
        if (csv is not null)
        {
            if (count == 0)
            {
                await csv.Header.WriteAsync(cancellationToken);
            }
            await csv.FlushAsync(cancellationToken);
        }
        await writer.FlushAsync(cancellationToken);
    }

    private static async ValueTask WriteCsvRowAsync(SepWriter csv, Quote q, CancellationToken cancellationToken)
    {
        await using var row = csv.NewRow(cancellationToken);
        row["symbol"].Set(q.Symbol);
        row["name"].Set(q.Name);
        row["last"].Format(q.Last);
        row["change"].Format(q.Change);
        row["changePercent"].Format(q.ChangePercent);
        row["open"].Format(q.Open);
        row["high"].Format(q.High);
        row["low"].Format(q.Low);
        row["previousClose"].Format(q.PreviousClose);
        row["volume"].Format(q.Volume);
        row["previousVolume"].Format(q.PreviousVolume);
        row["buy"].Format(q.Buy);
        row["sell"].Format(q.Sell);
        row["timestamp"].Format(q.Timestamp, TimestampFormat);
        row["sequence"].Format(q.Sequence);
        row["session"].Set(q.Session);
    }

    /// <summary>
    /// Reads a whole recording and checks it; throws <see cref="RecordingFormatException"/> at the
    /// first bad line. <paramref name="format"/> null: JSON Lines if the first line is an object.
    /// Prices are checked against each symbol's tick in <paramref name="catalog"/>.
    /// </summary>
    public static Task<List<NumberedQuote>> ReadAsync(TextReader reader, string? format, InstrumentCatalog catalog, CancellationToken cancellationToken) =>
        ReadAsync(reader, format, symbol => QuoteInvariants.TickSizeOf(catalog, symbol), cancellationToken);

    /// <summary>As above, with each symbol's tick from <paramref name="tickSizeOf"/> (the instrument registry's).</summary>
    public static async Task<List<NumberedQuote>> ReadAsync(TextReader reader, string? format, Func<string, decimal> tickSizeOf, CancellationToken cancellationToken)
    {
        // The caller caps the size: the whole import is validated in memory anyway.
        var text = await reader.ReadToEndAsync(cancellationToken);
        format ??= Detect(new StringReader(text));
        var quotes = format == Csv ? FromCsv(CsvReader.FromText(text), tickSizeOf) : FromJsonLines(new StringReader(text), tickSizeOf);
        return [.. quotes];
    }

    /// <summary>Reads a recording file lazily, a row at a time, with the same checks.</summary>
    public static IEnumerable<Quote> ReadFile(string path, InstrumentCatalog catalog)
    {
        Func<string, decimal> tickSizeOf = symbol => QuoteInvariants.TickSizeOf(catalog, symbol);
        var csv = Path.GetExtension(path).Equals(".csv", StringComparison.OrdinalIgnoreCase) || Detect(File.OpenText(path)) == Csv;
        var quotes = csv ? FromCsvFile(path, tickSizeOf) : FromJsonLines(File.OpenText(path), tickSizeOf);
        return quotes.Select(numbered => numbered.Quote);
    }

    // The first line that is not blank says which: a JSON object, or a CSV header.
    private static string Detect(TextReader reader)
    {
        using (reader)
        {
            while (reader.ReadLine() is { } line)
            {
                if (!string.IsNullOrWhiteSpace(line))
                {
                    return line.TrimStart().StartsWith('{') ? JsonLines : Csv;
                }
            }
        }
        return JsonLines;
    }

    private static IEnumerable<NumberedQuote> FromJsonLines(TextReader reader, Func<string, decimal> tickSizeOf)
    {
        using (reader)
        {
            var checker = new FileChecker(tickSizeOf);
            var number = 0;
            while (reader.ReadLine() is { } line)
            {
                number++;
                if (!string.IsNullOrWhiteSpace(line))
                {
                    yield return checker.Checked(FromJson(line, number), number);
                }
            }
        }
    }

    private static IEnumerable<NumberedQuote> FromCsvFile(string path, Func<string, decimal> tickSizeOf)
    {
        SepReader reader;
        try
        {
            reader = CsvReader.FromFile(path);
        }
        catch (InvalidDataException exception)
        {
            throw new RecordingFormatException(1, null, exception.Message);
        }
        return FromCsv(reader, tickSizeOf);
    }

    private static IEnumerable<NumberedQuote> FromCsv(SepReader reader, Func<string, decimal> tickSizeOf)
    {
        using (reader)
        {
            if (reader.IsEmpty)
            {
                yield break;
            }
            var columns = Header(reader.Header);
            var checker = new FileChecker(tickSizeOf);
            var line = 2;
            while (Next(reader, ref line))
            {
                // A record may span lines (a quoted line break): errors name the line it starts on.
                var row = reader.Current;
                line = row.LineNumberFrom;
                if (row.ColCount == 1 && row.Span.IsWhiteSpace())
                {
                    continue;
                }
                var quote = FromCsv(row, columns, line);
                yield return checker.Checked(quote, line);
            }
        }
    }

    // Sep throws InvalidDataException on a malformed row (a quote never closed): it becomes the
    // usual error naming the line after the last good record.
    /// <summary>The next CSV record, or a format error naming the line Sep refused (quote files and price bars alike).</summary>
    internal static bool Next(SepReader reader, ref int line)
    {
        try
        {
            return reader.MoveNext();
        }
        catch (InvalidDataException exception)
        {
            throw new RecordingFormatException(line, null, exception.Message.TrimEnd('.'));
        }
    }

    private static int[] Header(SepReaderHeader header)
    {
        var names = header.ColNames.Select(n => n.Trim()).ToList();
        var columns = new int[Fields.Length];
        for (var f = 0; f < Fields.Length; f++)
        {
            columns[f] = names.IndexOf(Fields[f]);
            if (columns[f] < 0)
            {
                throw new RecordingFormatException(1, Fields[f], $"the header row has no '{Fields[f]}' column (it needs {CsvHeader})");
            }
        }
        return columns;
    }

    private static Quote FromCsv(SepReader.Row row, int[] columns, int number)
    {
        var values = new string[Fields.Length];
        for (var f = 0; f < Fields.Length; f++)
        {
            values[f] = columns[f] < row.ColCount
                ? row[columns[f]].ToString()
                : throw new RecordingFormatException(number, Fields[f], $"the field is missing: the record has {row.ColCount} fields where {columns.Max() + 1} are needed (a quote left open takes in the lines after it)");
        }
        double Number(int field) =>
            double.TryParse(values[field], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
                ? value
                : throw new RecordingFormatException(number, Fields[field], $"'{values[field]}' is not a number");
        long Integer(int field) =>
            long.TryParse(values[field], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new RecordingFormatException(number, Fields[field], $"'{values[field]}' is not an integer");
        var timestamp = DateTimeOffset.TryParse(values[13], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at.UtcDateTime
            : throw new RecordingFormatException(number, "timestamp", $"'{values[13]}' is not an ISO-8601 timestamp");
        return new Quote
        {
            Symbol = values[0], Name = values[1], Last = Number(2), Change = Number(3), ChangePercent = Number(4),
            Open = Number(5), High = Number(6), Low = Number(7), PreviousClose = Number(8),
            Volume = Integer(9), PreviousVolume = Integer(10), Buy = Number(11), Sell = Number(12),
            Timestamp = timestamp, Sequence = Integer(14), Session = values[15],
        };
    }

    private static Quote FromJson(string line, int number)
    {
        try
        {
            return JsonSerializer.Deserialize<Quote>(line, Json) ?? throw new RecordingFormatException(number, null, "the line is null, not a quote object");
        }
        catch (JsonException exception)
        {
            var field = exception.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : null;
            throw new RecordingFormatException(number, field, exception.Message);
        }
    }

    /// <summary>A file's quotes in order: each keeps the invariants and follows the previous one of its symbol.</summary>
    private sealed class FileChecker(Func<string, decimal> tickSizeOf)
    {
        private readonly Dictionary<string, Quote> _last = new(StringComparer.Ordinal);

        public NumberedQuote Checked(Quote quote, int line)
        {
            var violation = QuoteInvariants.Check(quote, tickSizeOf(quote.Symbol))
                ?? (_last.TryGetValue(quote.Symbol, out var previous) ? QuoteInvariants.CheckSuccessor(previous, quote) : null);
            if (violation is not null)
            {
                throw new RecordingFormatException(line, violation.Field, violation.Message);
            }
            _last[quote.Symbol] = quote;
            return new NumberedQuote(line, quote);
        }
    }
}

/// <summary>A quote read from a recording, with the 1-based line it starts on (for errors found later).</summary>
public readonly record struct NumberedQuote(int Line, Quote Quote);

/// <summary>A recording that cannot be imported: the first bad line, and the field when known.</summary>
public sealed class RecordingFormatException(int line, string? field, string reason)
    : Exception(field is null ? $"Line {line}: {reason}." : $"Line {line}, field '{field}': {reason}.")
{
    public int Line { get; } = line;

    public string? Field { get; } = field;
}
