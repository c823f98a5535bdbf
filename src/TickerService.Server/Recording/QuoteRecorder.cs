using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Extensions.Options;
using TickerService.Configuration;
using TickerService.Market;
using TickerService.Pipelines;

namespace TickerService.Server.Recording;

/// <summary>
/// Records every quote of the feed. <see cref="OnQuotes"/> (on the feed's thread) only enqueues;
/// a background loop writes what is queued in one transaction per flush interval. While the disk
/// fails (full, read-only, locked) quotes stay queued, up to a bound; beyond it new quotes are
/// dropped and counted, the live feed goes on, and writing resumes when the disk does.
/// </summary>
/// <remarks>
/// <para>In a cluster on a shared store (PostgreSQL, <see cref="ISharedRecording"/>) only the
/// leader writes, and from the quote bus, not from this queue; every node still keeps the quotes
/// it delivered in the last <see cref="SharedTail"/> as its "unflushed" ones, so a resume on any
/// node finds, in the store or among them, every quote up to the live ones (the leader writes a
/// flush interval or so behind the bus).</para>
/// A hosted service registered ahead of all others (<see cref="RecordingExtensions.AddRecording"/>),
/// so it starts first (the recorded sequences are known before the feed publishes) and stops last
/// (after Quartz and the feed source have stopped), and its final flush catches every quote.
/// </remarks>
public sealed partial class QuoteRecorder : IQuoteConsumer, ISequenceHistory, IHostedService, IDisposable
{
    private static readonly TimeSpan ErrorLogInterval = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PruneInterval = TimeSpan.FromMinutes(1);

    /// <summary>How long each node keeps the quotes it delivered when the leader records them (a failover lasts a few seconds).</summary>
    public static readonly TimeSpan SharedTail = TimeSpan.FromSeconds(30);

    private readonly RecordingStore _store;
    private readonly InstrumentCatalog _catalog;
    private readonly RecordingOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<QuoteRecorder> _logger;
    private readonly ISharedRecording? _shared;
    private readonly ConcurrentQueue<IReadOnlyList<Quote>> _queue = new();
    private readonly List<Quote> _pending = [];
    private readonly SemaphoreSlim _flushGate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private RecordingConnection? _connection;
    private Task _loop = Task.CompletedTask;
    private IReadOnlyDictionary<string, long> _lastSequences = new Dictionary<string, long>();
    private int _disposed;
    private long _queued;
    private long _dropped;
    private long _written;
    private string? _error;
    private DateTimeOffset? _failingSince;
    private DateTimeOffset _lastErrorLog = DateTimeOffset.MinValue;
    private DateTimeOffset _lastPrune = DateTimeOffset.MinValue;

    public QuoteRecorder(RecordingStore store, InstrumentCatalog catalog, IOptions<TickerOptions> options, TimeProvider time, ILogger<QuoteRecorder> logger, ISharedRecording? shared = null)
    {
        _shared = shared;
        _store = store;
        _catalog = catalog;
        _options = options.Value.Recording;
        _time = time;
        _logger = logger;
        // Replay mode plays recorded quotes: recording them again would only duplicate them.
        Enabled = _options.Enabled && options.Value.Feed.Mode != FeedMode.Replay;
    }

    public bool Enabled { get; }

    public IReadOnlyDictionary<string, long> LastSequences => Volatile.Read(ref _lastSequences);

    /// <summary>What the recorder has done so far: for /readyz, the log and tests.</summary>
    public RecorderStatus Status => new(
        Enabled,
        Volatile.Read(ref _error),
        _failingSince,
        Interlocked.Read(ref _written),
        Interlocked.Read(ref _queued),
        Interlocked.Read(ref _dropped));

    public void OnQuotes(IReadOnlyList<Quote> batch)
    {
        if (!Enabled || batch.Count == 0)
        {
            return;
        }
        if (_shared is not null)
        {
            // Only the resume tail: nothing waits for the disk here, so nothing counts as queued.
            _queue.Enqueue(batch);
            return;
        }
        // The bound counts quotes waiting for the disk, so a long outage costs bounded memory.
        if (Interlocked.Add(ref _queued, batch.Count) > _options.MaxQueuedQuotes)
        {
            Interlocked.Add(ref _queued, -batch.Count);
            Interlocked.Add(ref _dropped, batch.Count);
            return;
        }
        _queue.Enqueue(batch);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return Task.CompletedTask;
        }
        if (TryOpen() && _connection is not null)
        {
            try
            {
                Volatile.Write(ref _lastSequences, RecordingStore.LastSequences(_connection, _catalog.Options.Select(o => o.Symbol)));
                LogOpened(_store.Name, _shared is null ? "" : " (shared: the leader records the quote bus)", _lastSequences.Count);
            }
            catch (DbException exception)
            {
                Fail(exception);
            }
        }
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return;
        }
        await _stopping.CancelAsync();
        await _loop.ConfigureAwait(false);
        // Everything that stops before this (Quartz, the feed source) has published its last quote.
        if (!await FlushAsync(CancellationToken.None).ConfigureAwait(false))
        {
            LogLostAtShutdown(Interlocked.Read(ref _queued), _store.Name);
        }
        // Under the flush gate: a flush another service started (a resume reading what is queued, a
        // test) may still hold the connection, and disposing it beneath that flush crashed in Close.
        await _flushGate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            _connection?.Dispose();
            _connection = null;
        }
        finally
        {
            _flushGate.Release();
        }
    }

    /// <summary>Writes everything queued now; false if the disk refused it (it stays queued).</summary>
    public async Task<bool> FlushAsync(CancellationToken cancellationToken)
    {
        await _flushGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Flush();
        }
        finally
        {
            _flushGate.Release();
        }
    }

    /// <summary>
    /// Runs <paramref name="read"/> with no flush under way, handing it every quote published but
    /// not yet written (oldest first): the recording it reads meanwhile and those quotes together
    /// are everything recorded so far, with no quote moving from one to the other in between.
    /// For resume (SPEC 11).
    /// </summary>
    public async Task<T> ReadWithUnflushedAsync<T>(Func<IReadOnlyList<Quote>, T> read, CancellationToken cancellationToken)
    {
        await _flushGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // As Flush does: what is queued joins what failed to write earlier, in order.
            while (_queue.TryDequeue(out var batch))
            {
                _pending.AddRange(batch);
            }
            return read(_pending);
        }
        finally
        {
            _flushGate.Release();
        }
    }

    // Registered under several service types, so the container may call this more than once. The
    // gate and the token source are left to the GC: a late StopAsync may still use them.
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stopping.Cancel();
            _connection?.Dispose();
        }
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(_options.FlushInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                await FlushAsync(stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private bool Flush()
    {
        while (_queue.TryDequeue(out var batch))
        {
            _pending.AddRange(batch);
        }
        if (_shared is not null)
        {
            return FlushShared();
        }
        if (!TryOpen())
        {
            return false;
        }
        try
        {
            if (_pending.Count > 0)
            {
                RecordingStore.Insert(_connection!, _pending, ignoreDuplicates: true);
                Interlocked.Add(ref _written, _pending.Count);
                Interlocked.Add(ref _queued, -_pending.Count);
                _pending.Clear();
            }
            Prune();
            Recovered();
            return true;
        }
        catch (DbException exception)
        {
            Failed(exception);
            return false;
        }
    }

    // The leader writes the bus after the store's cursor until it is caught up; every node keeps
    // its recent quotes for resume (see the class).
    private bool FlushShared()
    {
        var cutoff = _time.GetUtcNow().UtcDateTime - SharedTail;
        var old = _pending.FindIndex(q => q.Timestamp >= cutoff);
        _pending.RemoveRange(0, old < 0 ? _pending.Count : old);
        if (_pending.Count > _options.MaxQueuedQuotes)
        {
            _pending.RemoveRange(0, _pending.Count - _options.MaxQueuedQuotes);
        }
        if (!_shared!.Leading)
        {
            return true;
        }
        if (!TryOpen())
        {
            return false;
        }
        try
        {
            bool more;
            do
            {
                (var written, more) = _shared.RecordNext(_connection!);
                Interlocked.Add(ref _written, written);
            }
            while (more && !_stopping.IsCancellationRequested);
            Prune();
            Recovered();
            return true;
        }
        catch (Exception exception) when (exception is DbException or IOException)
        {
            Failed(exception);
            return false;
        }
    }

    private void Failed(Exception exception)
    {
        Fail(exception);
        // A connection that failed mid-write may be in any state: open a fresh one next time.
        _connection?.Dispose();
        _connection = null;
    }

    private void Prune()
    {
        var now = _time.GetUtcNow();
        if (_options.Retention is not { } retention || retention <= TimeSpan.Zero || now - _lastPrune < PruneInterval)
        {
            return;
        }
        _lastPrune = now;
        var deleted = RecordingStore.DeleteBefore(_connection!, (now - retention).UtcDateTime);
        if (deleted > 0)
        {
            LogPruned(deleted, retention);
        }
    }

    private bool TryOpen()
    {
        if (_connection is not null)
        {
            return true;
        }
        try
        {
            _connection = _store.OpenForWriting();
            return true;
        }
        catch (Exception exception) when (exception is DbException or IOException or UnauthorizedAccessException)
        {
            Fail(exception);
            return false;
        }
    }

    private void Fail(Exception exception)
    {
        var now = _time.GetUtcNow();
        _failingSince ??= now;
        Volatile.Write(ref _error, exception.Message);
        // Once per streak and then now and then: a dead disk must not flood the log every flush.
        if (now - _lastErrorLog >= ErrorLogInterval)
        {
            _lastErrorLog = now;
            LogWriteFailed(exception, _store.Name, Interlocked.Read(ref _queued), Interlocked.Read(ref _dropped));
        }
    }

    private void Recovered()
    {
        if (_failingSince is { } since)
        {
            _failingSince = null;
            Volatile.Write(ref _error, null);
            _lastErrorLog = DateTimeOffset.MinValue;
            LogRecovered(_store.Name, _time.GetUtcNow() - since, Interlocked.Read(ref _dropped));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Recording to {Path}{Shared}; {Symbols} symbols continue their recorded sequences")]
    private partial void LogOpened(string path, string shared, int symbols);

    [LoggerMessage(Level = LogLevel.Error, Message = "Recording to {Path} failed; {Queued} quotes wait in memory, {Dropped} dropped so far. The live feed goes on")]
    private partial void LogWriteFailed(Exception exception, string path, long queued, long dropped);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recording to {Path} resumed after {Outage}; {Dropped} quotes dropped in all")]
    private partial void LogRecovered(string path, TimeSpan outage, long dropped);

    [LoggerMessage(Level = LogLevel.Error, Message = "Shutting down with {Queued} quotes not recorded: {Path} could not be written")]
    private partial void LogLostAtShutdown(long queued, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Deleted} recorded quotes older than {Retention}")]
    private partial void LogPruned(long deleted, TimeSpan retention);
}

/// <summary>The recorder's state: failing since when and why, and what it wrote, holds and dropped.</summary>
public sealed record RecorderStatus(bool Enabled, string? Error, DateTimeOffset? FailingSince, long Written, long Queued, long Dropped)
{
    public bool Healthy => Error is null;
}
