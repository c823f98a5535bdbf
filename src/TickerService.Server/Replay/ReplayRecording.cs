using System.Globalization;
using System.Text.Json;
using TickerService.Configuration;
using TickerService.Market;
using TickerService.Server.Recording;

namespace TickerService.Server.Replay;

/// <summary>
/// What replay mode plays (<c>Ticker:Feed:Replay</c>), read once at start: its symbols become the
/// live <see cref="InstrumentCatalog"/>, and a recording the feed cannot serve stops the start with
/// a <see cref="TickerConfigurationException"/> that names the symbol and the line.
/// </summary>
/// <remarks>
/// <para>A file is read whole, checked by the import's own validation
/// (<see cref="RecordingFormats.ReadFile"/>), and kept in memory sorted by (timestamp, line), so
/// it plays in time order whatever the order of its lines. Files fit in memory today (an import is
/// validated whole in memory too); a file too large for that would want the database instead.</para>
/// <para>The database is read a pass at a time (its rows come in time order); at start one query
/// finds its symbols in the range, and their names from the newest quotes.</para>
/// <para>Each symbol becomes an instrument, none of them simulated. A configured one keeps its
/// configuration (name, currency, tick). Another keeps what an import registered it with in the
/// recording store (the instrument registry's history-only instruments), else takes the name of its
/// newest quote, no currency, and the tick of 0.01: the one rule for a symbol's tick everywhere
/// (configured, else registered, else 0.01), which the file's prices are checked against too.
/// Order: configured instruments in configured order, then the others by symbol.</para>
/// </remarks>
public sealed class ReplayRecording
{
    // A symbol's name comes from the newest of this many of its newest quotes in the database.
    private const int DatabaseSample = 100;

    private readonly Quote[]? _file;
    private readonly RecordingStore _store;
    private readonly FeedReplayOptions _options;
    private readonly string[]? _symbols;

    private ReplayRecording(FeedReplayOptions options, RecordingStore store, Quote[]? file, IReadOnlyList<InstrumentOptions> instruments, DateTime first, bool filtered)
    {
        _options = options;
        _store = store;
        _file = file;
        Catalog = new InstrumentCatalog(instruments, simulated: false);
        First = first;
        _symbols = filtered ? [.. instruments.Select(i => i.Symbol)] : null;
    }

    /// <summary>The replay's symbols as the live instruments.</summary>
    public InstrumentCatalog Catalog { get; }

    /// <summary>The recorded time of the first quote played.</summary>
    public DateTime First { get; }

    private DateTime From => _options.From ?? DateTime.MinValue;

    private DateTime To => _options.To ?? DateTime.MaxValue;

    /// <summary>One pass, oldest first: the file from memory, or the database read lazily.</summary>
    public IEnumerable<Quote> Read() => _file ?? _store.Read(_symbols, From, To).Where(q => Catalog.TryGetIndex(q.Symbol, out _));

    public string Describe() => _file is not null
        ? $"the file {_options.File}"
        : $"the recording database {_store.Name} from {_options.From?.ToString("O") ?? "the start"} to {_options.To?.ToString("O") ?? "the end"}";

    /// <exception cref="TickerConfigurationException">The recording cannot be read, holds nothing to play, or has quotes the feed cannot serve.</exception>
    public static ReplayRecording Open(TickerOptions options, RecordingStore store)
    {
        var replay = options.Feed.Replay;
        var wanted = replay.Symbols.Select(s => s.Trim().ToUpperInvariant()).ToHashSet(StringComparer.Ordinal);
        var malformed = wanted.Where(s => !Symbols.IsWellFormed(s)).ToList();
        if (malformed.Count > 0)
        {
            throw new TickerConfigurationException($"Ticker:Feed:Replay:Symbols: {string.Join(", ", malformed)} is not a symbol (1 to 12 of A-Z 0-9 . - _ =).");
        }
        return string.IsNullOrWhiteSpace(replay.File)
            ? FromDatabase(options, store, wanted)
            : FromFile(options, store, wanted);
    }

    private static ReplayRecording FromFile(TickerOptions options, RecordingStore store, HashSet<string> wanted)
    {
        var replay = options.Feed.Replay;
        var path = replay.File!;
        var key = $"Ticker:Feed:Replay:File '{path}'";
        if (!File.Exists(path))
        {
            throw new TickerConfigurationException($"{key} does not exist.");
        }
        var read = new List<Quote>();
        try
        {
            // Prices are checked against each symbol's tick: configured, else registered, else 0.01.
            read.AddRange(RecordingFormats.ReadFile(path, new InstrumentCatalog(Known(options, store))));
        }
        catch (RecordingFormatException bad)
        {
            var symbol = SymbolOnLine(path, bad.Line);
            throw new TickerConfigurationException(
                $"{key} cannot be served: {(symbol is null ? "" : $"symbol {symbol}, ")}{bad.Message} Fix the line or take the symbol out of the file; nothing is played.");
        }
        catch (IOException exception)
        {
            throw new TickerConfigurationException($"{key} cannot be read: {exception.Message}");
        }

        var from = replay.From ?? DateTime.MinValue;
        var to = replay.To ?? DateTime.MaxValue;
        var inRange = read.Where(q => q.Timestamp >= from && q.Timestamp <= to).ToList();
        CheckWanted(wanted, inRange.Select(q => q.Symbol).ToHashSet(StringComparer.Ordinal), replay);
        // OrderBy is stable: quotes of one instant keep their line order.
        var quotes = inRange
            .Where(q => wanted.Count == 0 || wanted.Contains(q.Symbol))
            .OrderBy(q => q.Timestamp)
            .ToArray();
        if (quotes.Length == 0)
        {
            throw new TickerConfigurationException($"{key} has no quotes{Range(replay)}{(wanted.Count > 0 ? " of Ticker:Feed:Replay:Symbols" : "")}: nothing to replay.");
        }
        var symbols = quotes.GroupBy(q => q.Symbol, StringComparer.Ordinal)
            .Select(g => new RecordedSymbol(g.Key, g.Last().Name, g.First().Last));
        return new ReplayRecording(replay, store, quotes, Instruments(options, store, symbols), quotes[0].Timestamp, filtered: wanted.Count > 0);
    }

    private static ReplayRecording FromDatabase(TickerOptions options, RecordingStore store, HashSet<string> wanted)
    {
        var replay = options.Feed.Replay;
        var key = store.Engine is SqliteEngine ? $"the recording database (Ticker:Recording:Path '{store.Name}')" : $"the recording database ({store.Name})";
        using var connection = store.OpenForReading()
            ?? throw new TickerConfigurationException($"Ticker:Feed:Mode is Replay with no Ticker:Feed:Replay:File, and {key} does not exist: nothing to replay.");
        var (symbols, first) = ReadSymbols(connection, replay.From ?? DateTime.MinValue, replay.To ?? DateTime.MaxValue, wanted);
        CheckWanted(wanted, symbols.Select(s => s.Symbol).ToHashSet(StringComparer.Ordinal), replay);
        if (symbols.Count == 0 || first is null)
        {
            throw new TickerConfigurationException($"Ticker:Feed:Mode is Replay and {key} has no quotes{Range(replay)}{(wanted.Count > 0 ? " of Ticker:Feed:Replay:Symbols" : "")}: nothing to replay.");
        }
        return new ReplayRecording(replay, store, null, Instruments(options, store, symbols), first.Value, filtered: wanted.Count > 0);
    }

    private static void CheckWanted(HashSet<string> wanted, HashSet<string> recorded, FeedReplayOptions replay)
    {
        var missing = wanted.Where(s => !recorded.Contains(s)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            throw new TickerConfigurationException(
                $"Ticker:Feed:Replay:Symbols names {string.Join(", ", missing)}, which the recording does not have{Range(replay)}.");
        }
    }

    // The configured instruments, then those imports registered that are not configured.
    private static List<InstrumentOptions> Known(TickerOptions options, RecordingStore store)
    {
        var configured = options.EffectiveInstruments.Select(i => i.Symbol).ToHashSet(StringComparer.Ordinal);
        return [.. options.EffectiveInstruments, .. store.ReadInstruments().Where(i => !configured.Contains(i.Symbol))];
    }

    private static List<InstrumentOptions> Instruments(TickerOptions options, RecordingStore store, IEnumerable<RecordedSymbol> recorded)
    {
        var bySymbol = recorded.ToDictionary(r => r.Symbol, StringComparer.Ordinal);
        var registered = store.ReadInstruments().ToDictionary(i => i.Symbol, StringComparer.Ordinal);
        var configured = options.EffectiveInstruments.Where(i => bySymbol.ContainsKey(i.Symbol)).ToList();
        var others = bySymbol.Values
            .Where(r => !configured.Any(c => c.Symbol == r.Symbol))
            .OrderBy(r => r.Symbol, StringComparer.Ordinal)
            .Select(r => new InstrumentOptions
            {
                Symbol = r.Symbol,
                Name = registered.TryGetValue(r.Symbol, out var known) ? known.Name : r.Name,
                Currency = known?.Currency ?? "",
                TickSize = known?.TickSize ?? QuoteInvariants.DefaultTickSize,
                StartPrice = (decimal)r.FirstPrice,
            });
        return [.. configured, .. others];
    }

    // The symbols recorded in the range: a skip-scan of the (symbol, ts, sequence) index, one seek a
    // symbol, then each symbol's newest quotes in the range for its name.
    private static (List<RecordedSymbol> Symbols, DateTime? First) ReadSymbols(RecordingConnection connection, DateTime from, DateTime to, HashSet<string> wanted)
    {
        var fromMs = from == DateTime.MinValue ? long.MinValue : RecordingStore.ToUnixMs(from);
        var toMs = to == DateTime.MaxValue ? long.MaxValue : RecordingStore.ToUnixMs(to);

        var all = new List<string>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                WITH RECURSIVE s(symbol) AS (
                    SELECT MIN(symbol) FROM quotes
                    UNION ALL
                    SELECT (SELECT MIN(symbol) FROM quotes WHERE symbol > s.symbol) FROM s WHERE s.symbol IS NOT NULL)
                SELECT symbol FROM s WHERE symbol IS NOT NULL
                """;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                all.Add(reader.GetString(0));
            }
        }

        var symbols = new List<RecordedSymbol>();
        DateTime? first = null;
        using var sample = connection.CreateCommand();
        sample.CommandText =
            "SELECT name, last, open, high, low, previous_close, buy, sell, ts FROM quotes " +
            "WHERE symbol = @symbol AND ts >= @from AND ts <= @to ORDER BY ts DESC LIMIT @limit";
        var symbolParameter = sample.Add("@symbol");
        sample.Add("@from", fromMs);
        sample.Add("@to", toMs);
        sample.Add("@limit", DatabaseSample);
        using var oldest = connection.CreateCommand();
        oldest.CommandText = "SELECT MIN(ts) FROM quotes WHERE symbol = @symbol AND ts >= @from AND ts <= @to";
        var oldestSymbol = oldest.Add("@symbol");
        oldest.Add("@from", fromMs);
        oldest.Add("@to", toMs);
        foreach (var symbol in all.Where(s => wanted.Count == 0 || wanted.Contains(s)))
        {
            symbolParameter.Value = symbol;
            string? name = null;
            double price = 0;
            using (var reader = sample.ExecuteReader())
            {
                while (reader.Read())
                {
                    name ??= reader.GetString(0);
                    price = reader.GetDouble(1);
                }
            }
            if (name is null || !Symbols.IsWellFormed(symbol))
            {
                continue;
            }
            oldestSymbol.Value = symbol;
            var oldestMs = (long)oldest.ExecuteScalar()!;
            var at = RecordingStore.FromUnixMs(oldestMs);
            first = first is { } f && f <= at ? f : at;
            symbols.Add(new RecordedSymbol(symbol, name, price));
        }
        return (symbols, first);
    }

    private static string Range(FeedReplayOptions replay) =>
        replay.From is null && replay.To is null ? "" : $" from {replay.From?.ToString("O") ?? "the start"} to {replay.To?.ToString("O") ?? "the end"}";

    // The symbol of a refused line, to name it in the refusal: a JSON line's "symbol", or a CSV row's
    // field under the header's "symbol" (symbols hold no commas or quotes; a quoted field before it
    // holding a comma makes this give up, and the message still names the line).
    private static string? SymbolOnLine(string path, int number)
    {
        try
        {
            string? header = null;
            var n = 0;
            foreach (var line in File.ReadLines(path))
            {
                n++;
                if (header is null && !string.IsNullOrWhiteSpace(line) && !line.TrimStart().StartsWith('{'))
                {
                    header = line;
                }
                if (n != number)
                {
                    continue;
                }
                if (line.TrimStart().StartsWith('{'))
                {
                    using var json = JsonDocument.Parse(line);
                    return json.RootElement.TryGetProperty("symbol", out var symbol) ? symbol.ToString() : null;
                }
                var column = header?.Split(',').Select(h => h.Trim().Trim('"')).ToList().IndexOf("symbol") ?? -1;
                var fields = line.Split(',');
                return column >= 0 && column < fields.Length && !line.Contains('"', StringComparison.Ordinal) ? fields[column].Trim() : null;
            }
        }
        catch (Exception exception) when (exception is IOException or JsonException)
        {
        }
        return null;
    }

    private readonly record struct RecordedSymbol(string Symbol, string Name, double FirstPrice);
}
