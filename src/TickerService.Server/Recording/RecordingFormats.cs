using System.Globalization;
using System.Text;
using System.Text.Json;
using TickerService.Market;

namespace TickerService.Server.Recording;

/// <summary>
/// Recordings in and out: JSON Lines (one quote object a line, SPEC field names) or CSV (a header
/// row of the same names, RFC 4180 quoting). Parsing names the first bad line and field, and
/// checks the SPEC invariants.
/// </summary>
public static class RecordingFormats
{
    public const string JsonLines = "jsonl";
    public const string Csv = "csv";

    public static readonly string[] Fields =
        ["symbol", "name", "last", "change", "changePercent", "open", "high", "low", "previousClose", "volume", "previousVolume", "buy", "sell", "timestamp", "sequence", "session"];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string ContentType(string format) => format == Csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";

    public static string CsvHeader => string.Join(',', Fields);

    public static string ToJsonLine(Quote quote) => JsonSerializer.Serialize(quote, Json);

    public static string ToCsvLine(Quote q)
    {
        var c = CultureInfo.InvariantCulture;
        return string.Join(',',
            Escape(q.Symbol), Escape(q.Name), q.Last.ToString("R", c), q.Change.ToString("R", c), q.ChangePercent.ToString("R", c),
            q.Open.ToString("R", c), q.High.ToString("R", c), q.Low.ToString("R", c), q.PreviousClose.ToString("R", c),
            q.Volume.ToString(c), q.PreviousVolume.ToString(c), q.Buy.ToString("R", c), q.Sell.ToString("R", c),
            q.Timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", c), q.Sequence.ToString(c), Escape(q.Session));
    }

    /// <summary>Writes quotes as they are read, flushing now and then, so a long range is never held whole.</summary>
    public static async Task WriteAsync(Stream body, IEnumerable<Quote> quotes, string format, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(body, new UTF8Encoding(false), bufferSize: 64 * 1024, leaveOpen: true);
        if (format == Csv)
        {
            await writer.WriteLineAsync(CsvHeader.AsMemory(), cancellationToken);
        }
        var count = 0;
        foreach (var quote in quotes)
        {
            await writer.WriteLineAsync((format == Csv ? ToCsvLine(quote) : ToJsonLine(quote)).AsMemory(), cancellationToken);
            if (++count % 1000 == 0)
            {
                await writer.FlushAsync(cancellationToken);
            }
        }
        await writer.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// Reads a whole recording and checks it; throws <see cref="RecordingFormatException"/> at the
    /// first bad line. <paramref name="format"/> null: JSON Lines if the first line is an object.
    /// </summary>
    public static async Task<List<Quote>> ReadAsync(TextReader reader, string? format, CancellationToken cancellationToken)
    {
        var quotes = new List<Quote>();
        var parser = new Parser(format);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (parser.Next(line) is { } quote)
            {
                quotes.Add(quote);
            }
        }
        return quotes;
    }

    /// <summary>Reads a recording file lazily, a line at a time, with the same checks.</summary>
    public static IEnumerable<Quote> ReadFile(string path)
    {
        var parser = new Parser(Path.GetExtension(path).Equals(".csv", StringComparison.OrdinalIgnoreCase) ? Csv : null);
        foreach (var line in File.ReadLines(path))
        {
            if (parser.Next(line) is { } quote)
            {
                yield return quote;
            }
        }
    }

    /// <summary>One recording's lines in order: the CSV header, then quotes checked against the previous one of their symbol.</summary>
    private sealed class Parser(string? format)
    {
        private readonly Dictionary<string, Quote> _last = new(StringComparer.Ordinal);
        private string? _format = format;
        private int[]? _columns;
        private int _number;

        public Quote? Next(string line)
        {
            _number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                return null;
            }
            _format ??= line.TrimStart().StartsWith('{') ? JsonLines : Csv;
            if (_format == Csv && _columns is null)
            {
                _columns = Header(line, _number);
                return null;
            }
            var quote = _format == Csv ? FromCsv(line, _columns!, _number) : FromJson(line, _number);
            Check(quote, _number, _last.GetValueOrDefault(quote.Symbol));
            _last[quote.Symbol] = quote;
            return quote;
        }
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

    private static int[] Header(string line, int number)
    {
        var names = Split(line, number);
        var columns = new int[Fields.Length];
        for (var f = 0; f < Fields.Length; f++)
        {
            columns[f] = names.FindIndex(n => n.Trim() == Fields[f]);
            if (columns[f] < 0)
            {
                throw new RecordingFormatException(number, Fields[f], $"the header row has no '{Fields[f]}' column (it needs {CsvHeader})");
            }
        }
        return columns;
    }

    private static Quote FromCsv(string line, int[] columns, int number)
    {
        var values = Split(line, number);
        string Get(int field)
        {
            var column = columns[field];
            return column < values.Count ? values[column] : throw new RecordingFormatException(number, Fields[field], "the field is missing");
        }
        double Number(int field) =>
            double.TryParse(Get(field), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
                ? value
                : throw new RecordingFormatException(number, Fields[field], $"'{Get(field)}' is not a number");
        long Integer(int field) =>
            long.TryParse(Get(field), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new RecordingFormatException(number, Fields[field], $"'{Get(field)}' is not an integer");
        var timestamp = DateTimeOffset.TryParse(Get(13), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at.UtcDateTime
            : throw new RecordingFormatException(number, "timestamp", $"'{Get(13)}' is not an ISO-8601 timestamp");
        return new Quote
        {
            Symbol = Get(0), Name = Get(1), Last = Number(2), Change = Number(3), ChangePercent = Number(4),
            Open = Number(5), High = Number(6), Low = Number(7), PreviousClose = Number(8),
            Volume = Integer(9), PreviousVolume = Integer(10), Buy = Number(11), Sell = Number(12),
            Timestamp = timestamp, Sequence = Integer(14), Session = Get(15),
        };
    }

    private static void Check(Quote q, int line, Quote? previous)
    {
        void Fail(string field, string message) => throw new RecordingFormatException(line, field, message);
        var c = CultureInfo.InvariantCulture;

        if (!Symbols.IsWellFormed(q.Symbol))
        {
            Fail("symbol", $"'{q.Symbol}' is not a symbol (1 to 12 of A-Z 0-9 . - _ =)");
        }
        if (string.IsNullOrWhiteSpace(q.Name))
        {
            Fail("name", "the name is empty");
        }
        if (!(q.Sell > 0))
        {
            Fail("sell", string.Create(c, $"sell ({q.Sell}) must be above 0"));
        }
        if (!(q.Sell < q.Buy))
        {
            Fail("buy", string.Create(c, $"buy ({q.Buy}) must be above sell ({q.Sell})"));
        }
        if (!(q.Low <= q.Open && q.Open <= q.High))
        {
            Fail("open", string.Create(c, $"open ({q.Open}) must lie between low ({q.Low}) and high ({q.High})"));
        }
        if (!(q.Low <= q.Last && q.Last <= q.High))
        {
            Fail("last", string.Create(c, $"last ({q.Last}) must lie between low ({q.Low}) and high ({q.High})"));
        }
        if (q.Volume < 0 || q.PreviousVolume < 0)
        {
            Fail(q.Volume < 0 ? "volume" : "previousVolume", "volumes cannot be negative");
        }
        if (q.Session is not (SessionState.Open or SessionState.Closed))
        {
            Fail("session", $"'{q.Session}' is not a session state (open or closed)");
        }
        if (q.Timestamp.Kind != DateTimeKind.Utc || q.Timestamp.Ticks % TimeSpan.TicksPerMillisecond != 0)
        {
            Fail("timestamp", "timestamps are UTC with whole milliseconds");
        }
        if (previous is not null)
        {
            if (q.Sequence <= previous.Sequence)
            {
                Fail("sequence", $"{q.Symbol}'s sequence {q.Sequence} does not follow {previous.Sequence}: it must increase per symbol");
            }
            if (q.Timestamp < previous.Timestamp)
            {
                Fail("timestamp", $"{q.Symbol}'s timestamp goes back in time");
            }
        }
    }

    private static List<string> Split(string line, int number)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(ch);
                }
            }
            else if (ch == '"')
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(ch);
            }
        }
        if (quoted)
        {
            throw new RecordingFormatException(number, null, "a quoted field is not closed (a field cannot span lines)");
        }
        fields.Add(field.ToString());
        return fields;
    }

    private static string Escape(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
}

/// <summary>A recording that cannot be imported: the first bad line, and the field when known.</summary>
public sealed class RecordingFormatException(int line, string? field, string reason)
    : Exception(field is null ? $"Line {line}: {reason}." : $"Line {line}, field '{field}': {reason}.")
{
    public int Line { get; } = line;

    public string? Field { get; } = field;
}
