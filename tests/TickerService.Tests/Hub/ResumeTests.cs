using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using TickerService.Market;
using TickerService.Server.Hub;
using TickerService.Tests.Infrastructure;
using TickerService.Tests.Plain;

namespace TickerService.Tests.Hub;

/// <summary>Hub <c>Resume</c> and <c>/ws</c> subscribe with <c>after</c> (SPEC 11, issue 12): no gap, no repeat.</summary>
public sealed class ResumeTests : IAsyncLifetime
{
    private readonly TickerServer _server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ResumeReturnsWhatWasMissedIncludingUnflushedQuotesThenLiveFollows()
    {
        var first = _server.Market.Tick().Single(q => q.Symbol == "XOM").Sequence;
        // Some of what the client missed is recorded, some still queued in the recorder.
        _server.Market.Tick();
        await _server.Recorder.FlushAsync(CancellationToken.None);
        _server.Market.Tick();
        _server.Market.Tick();

        await using var client = await _server.ConnectAsync();
        var result = await client.Connection.InvokeAsync<ResumeResult>(
            "Resume", new ResumeRequest { Symbols = ["XOM", "CVX"], After = new() { ["XOM"] = first } }).WaitAsync(TickerServer.Timeout);

        Assert.True(result.Complete);
        Assert.Equal([first + 1, first + 2, first + 3], result.Quotes.Where(q => q.Symbol == "XOM").Select(q => q.Sequence));
        // No "after" for CVX: its latest quote.
        Assert.Equal(_server.Services.GetRequiredService<TickerService.Pipelines.LastValueCache>().Get("CVX")!.Sequence,
            result.Quotes.Single(q => q.Symbol == "CVX").Sequence);

        _server.Market.Tick();
        var live = await client.NextBatchAsync();
        Assert.Equal(first + 4, live.Single(q => q.Symbol == "XOM").Sequence);
    }

    [Fact]
    public async Task TicksWithinOneMillisecondComeBackInSequenceOrder()
    {
        // The clock stands still: every tick carries the same timestamp, as two ticks within one
        // millisecond do under load. Enough quotes that the sort is not a (stable) insertion sort.
        await using var server = new TickerServer().WithServices(services =>
            services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 15, 0, 0, TimeSpan.Zero))));
        string[] symbols = ["XOM", "CVX", "BP"];
        var first = server.Market.Tick().Where(q => symbols.Contains(q.Symbol)).ToDictionary(q => q.Symbol, q => q.Sequence);
        for (var i = 0; i < 20; i++)
        {
            server.Market.Tick();
        }
        await using var client = await server.ConnectAsync();

        var result = await client.Connection.InvokeAsync<ResumeResult>(
            "Resume", new ResumeRequest { Symbols = symbols, After = first }).WaitAsync(TickerServer.Timeout);

        Assert.True(result.Complete);
        foreach (var symbol in symbols)
        {
            Assert.Equal(Enumerable.Range(1, 20).Select(i => first[symbol] + i), result.Quotes.Where(q => q.Symbol == symbol).Select(q => q.Sequence));
        }
    }

    [Fact]
    public async Task AClientAheadOfTheServersSequencesGetsTheLatestQuoteAndNotComplete()
    {
        // What a client of a server that restarted on a fresh recording asks: sequences it never made.
        var latest = _server.Market.Tick().Single(q => q.Symbol == "XOM").Sequence;
        await using var client = await _server.ConnectAsync();

        var result = await client.Connection.InvokeAsync<ResumeResult>(
            "Resume", new ResumeRequest { Symbols = ["XOM"], After = new() { ["XOM"] = latest + 100 } }).WaitAsync(TickerServer.Timeout);

        Assert.False(result.Complete);
        Assert.Equal([latest], result.Quotes.Select(q => q.Sequence));
    }

    [Fact]
    public async Task AGapLongerThanMaxResumeQuotesIsCutToTheOldestAndNotComplete()
    {
        await using var server = new TickerServer().With("Ticker:Limits:MaxResumeQuotes", "2");
        var first = server.Market.Tick().Single(q => q.Symbol == "XOM").Sequence;
        for (var i = 0; i < 4; i++)
        {
            server.Market.Tick();
        }
        await using var client = await server.ConnectAsync();

        var result = await client.Connection.InvokeAsync<ResumeResult>(
            "Resume", new ResumeRequest { Symbols = ["XOM"], After = new() { ["XOM"] = first } }).WaitAsync(TickerServer.Timeout);

        Assert.False(result.Complete);
        Assert.Equal([first + 1, first + 2], result.Quotes.Select(q => q.Sequence));
    }

    [Theory]
    [InlineData("FOO", 1, "\"after\" names FOO, which is not among the symbols asked for")]
    [InlineData("XOM", -1, "\"after\" for XOM is -1")]
    public async Task ABadResumeIsAHubException(string symbol, long sequence, string message)
    {
        await using var client = await _server.ConnectAsync();

        var error = await Assert.ThrowsAsync<HubException>(() => client.Connection.InvokeAsync<ResumeResult>(
            "Resume", new ResumeRequest { Symbols = ["XOM"], After = new() { [symbol] = sequence } }).WaitAsync(TickerServer.Timeout));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APlainSocketResumesWithAfterAndGetsASnapshotWithComplete()
    {
        var first = _server.Market.Tick().Single(q => q.Symbol == "XOM").Sequence;
        _server.Market.Tick();
        _server.Market.Tick();
        await using var client = await PlainSocket.ConnectAsync(_server);

        await client.SendAsync($$$"""{"op":"subscribe","symbols":["XOM"],"after":{"XOM":{{{first}}}}}""");
        var snapshot = await client.ReceiveAsync("snapshot");

        Assert.True(snapshot.GetProperty("complete").GetBoolean());
        Assert.Equal([first + 1, first + 2], snapshot.GetProperty("quotes").EnumerateArray().Select(q => q.GetProperty("sequence").GetInt64()));
        _server.Market.Tick();
        Assert.Equal(first + 3, (await client.ReceiveAsync("quotes")).GetProperty("quotes")[0].GetProperty("sequence").GetInt64());
    }

    [Fact]
    public async Task ClientsThatDisconnectAndResumeRepeatedlyUnderA10MsTickSeeEverySequenceExactlyOnce()
    {
        string[] symbols = ["XOM", "CVX", "BP"];
        using var stop = new CancellationTokenSource();
        // The load: a tick every 10 ms, with the recorder flushing every 250 ms behind it.
        var feed = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
            while (await timer.WaitForNextTickAsync(stop.Token).ConfigureAwait(false))
            {
                // The first tick and the first HubUrl below race to start the server: TickerServer starts one.
                _server.Market.Tick();
            }
        });
        var seen = symbols.ToDictionary(s => s, _ => new List<long>());
        Dictionary<string, long>? after = null;
        try
        {
            for (var round = 0; round < 12; round++)
            {
                var received = new ConcurrentQueue<Quote>();
                var batches = new SemaphoreSlim(0);
                var connection = new HubConnectionBuilder().WithUrl(_server.HubUrl).Build();
                connection.On<Quote[]>("quotes", batch =>
                {
                    foreach (var quote in batch)
                    {
                        received.Enqueue(quote);
                    }
                    batches.Release();
                });
                await connection.StartAsync().WaitAsync(TickerServer.Timeout);
                var result = await connection.InvokeAsync<ResumeResult>("Resume", new ResumeRequest { Symbols = symbols, After = after }).WaitAsync(TickerServer.Timeout);
                Assert.True(after is null || result.Complete, $"round {round}: resume not complete; after {string.Join(",", after ?? [])}; got {string.Join(" ", result.Quotes.Select(q => $"{q.Symbol}:{q.Sequence}@{q.Timestamp:HH:mm:ss.fff}"))}");
                // Some live batches, then away.
                for (var i = 0; i < 3; i++)
                {
                    Assert.True(await batches.WaitAsync(TickerServer.Timeout), $"round {round}: no live quotes; the feed {(feed.IsFaulted ? $"failed: {feed.Exception}" : $"is {feed.Status}")}");
                }
                await connection.DisposeAsync();

                foreach (var quote in result.Quotes.Concat(received))
                {
                    seen[quote.Symbol].Add(quote.Sequence);
                }
                after = seen.ToDictionary(kv => kv.Key, kv => kv.Value.Max());
            }
        }
        finally
        {
            await stop.CancelAsync();
            await feed.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        foreach (var (symbol, sequences) in seen)
        {
            var sorted = sequences.Order().ToList();
            Assert.True(sorted.Count == sorted.Distinct().Count(), $"{symbol}: a sequence came twice");
            Assert.True(sorted[^1] - sorted[0] + 1 == sorted.Count, $"{symbol}: {sorted[^1] - sorted[0] + 1 - sorted.Count} sequences missing between {sorted[0]} and {sorted[^1]}");
            Assert.True(sorted.Count > 30, $"{symbol}: only {sorted.Count} quotes");
        }
    }
}
