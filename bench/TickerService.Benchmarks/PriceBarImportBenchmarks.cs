using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using TickerService.Market;
using TickerService.Server.Recording;

namespace TickerService.Benchmarks;

/// <summary>
/// The CPU stages of a price-bar import (SPEC 8) on a year of minute bars (100,000 rows,
/// 7.3 MB of <c>date,open,high,low,close,adjclose,volume</c> with ISO timestamps), the file
/// <c>RegistryTests.TwentyYearsOfDailyBarsAndAYearOfMinuteBarsImportQuickly</c> sends over HTTP:
/// <see cref="Read"/> (Sep parse and every per-row check), <see cref="ToQuotes"/> (the mapping) and
/// <see cref="Check"/> (the invariants pass the importer runs again on what the mapping made), and
/// <see cref="InsertAndCommit"/> (the quotes into a new SQLite recording in one transaction: the
/// part no parser speed-up touches).
/// </summary>
[MemoryDiagnoser]
public class PriceBarImportBenchmarks
{
    private const int Rows = 100_000;
    private static readonly Dictionary<string, long> NoSequences = [];

    private string _text = null!;
    private List<PriceBar> _bars = null!;
    private List<NumberedQuote> _quotes = null!;
    private string _folder = null!;
    private RecordingStore _store = null!;

    [GlobalSetup]
    public void Setup()
    {
        _text = MinuteBars(Rows);
        _bars = PriceBars.Read(_text, "MINUTE", null, DateTime.MaxValue);
        _quotes = PriceBars.ToQuotes(_bars, _ => QuoteInvariants.DefaultTickSize, NoSequences);
    }

    [Benchmark(Baseline = true)]
    public int Read() => PriceBars.Read(_text, "MINUTE", null, DateTime.MaxValue).Count;

    [Benchmark]
    public int ToQuotes() => PriceBars.ToQuotes(_bars, _ => QuoteInvariants.DefaultTickSize, NoSequences).Count;

    [Benchmark]
    public int Check()
    {
        var good = 0;
        foreach (var (_, quote) in _quotes)
        {
            good += QuoteInvariants.Check(quote, QuoteInvariants.DefaultTickSize) is null ? 1 : 0;
        }
        return good;
    }

    [IterationSetup(Target = nameof(InsertAndCommit))]
    public void NewRecording()
    {
        _folder = Directory.CreateTempSubdirectory("ticker-bench-").FullName;
        _store = new RecordingStore(Path.Combine(_folder, "ticker.db"));
        using var connection = _store.OpenForWriting(); // the schema, outside the measurement
    }

    [IterationCleanup(Target = nameof(InsertAndCommit))]
    public void DeleteRecording()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark]
    public int InsertAndCommit()
    {
        using var connection = _store.OpenForWriting();
        using var transaction = connection.BeginTransaction();
        RecordingStore.InsertInTransaction(connection, _quotes.Select(q => q.Quote), ignoreDuplicates: false, imported: true);
        transaction.Commit();
        return _quotes.Count;
    }

    // The test's generator: a random walk of whole cents, one bar a minute.
    private static string MinuteBars(int count)
    {
        var random = new Random(7);
        var text = new StringBuilder("date,open,high,low,close,adjclose,volume\n", count * 75);
        var start = new DateTime(2024, 1, 2, 14, 30, 0, DateTimeKind.Utc);
        var close = 100.0;
        var c = CultureInfo.InvariantCulture;
        for (var i = 0; i < count; i++)
        {
            var open = close;
            close = Math.Max(1, Math.Round(open * (1 + (random.NextDouble() - 0.5) * 0.02), 2));
            var high = Math.Round(Math.Max(open, close) * 1.003, 6);
            var low = Math.Round(Math.Min(open, close) * 0.997, 6);
            text.Append(start.AddMinutes(i).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", c))
                .Append(c, $",{open:F6},{high:F6},{low:F6},{close:F6},{close:F6},{random.Next(1_000, 5_000_000)}\n");
        }
        return text.ToString();
    }
}
