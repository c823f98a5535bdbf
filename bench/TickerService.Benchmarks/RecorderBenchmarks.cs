using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TickerService.Configuration;
using TickerService.Market;
using TickerService.Server.Recording;

namespace TickerService.Benchmarks;

/// <summary>
/// Sustained recording into SQLite (a real file in the temp folder, WAL, synchronous=NORMAL, the
/// service's schema and indexes), per quote. Every iteration starts from an empty database and
/// writes <see cref="Quotes"/> distinct quotes.
/// <see cref="Insert"/>: <see cref="RecordingStore.Insert"/>, one transaction per
/// <see cref="FlushSize"/> quotes (what one flush writes). <see cref="Recorder"/>: the
/// <see cref="QuoteRecorder"/> as the feed drives it: <c>OnQuotes</c> a tick at a time, and a flush
/// (one transaction) every <see cref="FlushSize"/> quotes.
/// </summary>
[MemoryDiagnoser]
[OperationsPerSecond]
public class RecorderBenchmarks
{
    private const int Quotes = 150_000;

    private Quote[][] _batches = null!;
    private InstrumentCatalog _catalog = null!;
    private string _folder = null!;
    private RecordingStore _store = null!;
    private RecordingConnection _connection = null!;
    private QuoteRecorder _recorder = null!;

    /// <summary>Quotes per transaction: 1,000 is 15 instruments over 17 s of 250 ms ticks, or a busy feed's 250 ms.</summary>
    [Params(1_000, 10_000)]
    public int FlushSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _catalog = Defaults.Catalog();
        _batches = Defaults.Batches(_catalog, Quotes / Defaults.QuotesPerTick);
    }

    [IterationSetup]
    public void IterationSetup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "ticker-bench", Guid.NewGuid().ToString("N"));
        _store = new RecordingStore(Path.Combine(_folder, "ticker.db"));
        _connection = _store.OpenForWriting();
        var options = Options.Create(new TickerOptions
        {
            Recording = { FlushInterval = TimeSpan.FromHours(1), Retention = null, MaxQueuedQuotes = 10_000_000 },
        });
        _recorder = new QuoteRecorder(_store, _catalog, options, TimeProvider.System, NullLogger<QuoteRecorder>.Instance);
        _recorder.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    [IterationCleanup]
    public void IterationCleanup()
    {
        _recorder.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
        if (_recorder.Status.Written != Quotes && _recorder.Status.Written != 0)
        {
            throw new InvalidOperationException($"The recorder wrote {_recorder.Status.Written} of {Quotes} quotes.");
        }
        _recorder.Dispose();
        _connection.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = Quotes)]
    public void Insert()
    {
        var pending = new List<Quote>(FlushSize);
        foreach (var batch in _batches)
        {
            pending.AddRange(batch);
            if (pending.Count >= FlushSize)
            {
                RecordingStore.Insert(_connection, pending, ignoreDuplicates: true);
                pending.Clear();
            }
        }
        RecordingStore.Insert(_connection, pending, ignoreDuplicates: true);
    }

    [Benchmark(OperationsPerInvoke = Quotes)]
    public void Recorder()
    {
        var queued = 0;
        foreach (var batch in _batches)
        {
            _recorder.OnQuotes(batch);
            queued += batch.Length;
            if (queued >= FlushSize)
            {
                _recorder.FlushAsync(CancellationToken.None).GetAwaiter().GetResult();
                queued = 0;
            }
        }
        _recorder.FlushAsync(CancellationToken.None).GetAwaiter().GetResult();
    }
}
