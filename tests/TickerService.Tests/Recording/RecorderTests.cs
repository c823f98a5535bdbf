using System.Net;
using TickerService.Market;
using TickerService.Server.Recording;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Recording;

public sealed class RecorderTests : IDisposable
{
    private readonly TempDatabase _database = new();

    private string DatabasePath => _database.Path;

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task ACleanShutdownRecordsEveryPublishedQuote()
    {
        var published = new List<Quote>();
        await using (var server = new TickerServer(DatabasePath).With("Ticker:Recording:FlushInterval", "00:00:30"))
        {
            _ = server.BaseAddress;
            using var subscription = server.Feed.Batches.Subscribe(batch => published.AddRange(batch));
            for (var i = 0; i < 20; i++)
            {
                server.Market.Tick();
            }
            // A 30 s flush interval: nothing is written before the shutdown's final flush.
            Assert.Equal(0, server.Recorder.Status.Written);
        }

        var recorded = new RecordingStore(DatabasePath).Read(null, DateTime.MinValue, DateTime.MaxValue).ToList();
        Assert.Equal(15 * 21, recorded.Count);
        Assert.Equal(published, recorded.Skip(15));
    }

    [Fact]
    public async Task SequencesContinueFromTheRecordingAfterARestart()
    {
        Quote[] lastBefore;
        await using (var server = new TickerServer(DatabasePath))
        {
            _ = server.BaseAddress;
            server.Market.Tick();
            lastBefore = [.. server.Market.Tick()];
        }

        await using var restarted = new TickerServer(DatabasePath);
        await using var client = await restarted.ConnectAsync();
        var snapshot = await client.SubscribeAsync("*");

        Assert.Equal(lastBefore.Select(q => (q.Symbol, q.Sequence + 1)), snapshot.Select(q => (q.Symbol, q.Sequence)));
    }

    [Fact]
    public async Task AFailingDiskIsReportedTheFeedGoesOnAndRecordingResumes()
    {
        // A file where the database's folder should be: the recorder cannot create the database.
        var blocker = Path.Combine(_database.Folder, "blocked");
        await File.WriteAllTextAsync(blocker, "not a folder");
        await using var server = new TickerServer(Path.Combine(blocker, "ticker.db"))
            .With("Ticker:Recording:FlushInterval", "00:00:00.020")
            .With("Ticker:Recording:MaxQueuedQuotes", "1000");
        using var http = server.Http();
        await using var client = await server.ConnectAsync();
        await client.SubscribeAsync("XOM");

        for (var i = 0; i < 100; i++)
        {
            server.Market.Tick();
        }
        Assert.Equal("XOM", (await client.NextBatchAsync()).Single().Symbol);
        var status = server.Recorder.Status;
        Assert.False(status.Healthy);
        Assert.Equal(15 * 101 - 990, status.Dropped);
        var ready = await http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);

        File.Delete(blocker);
        await Eventually.TrueAsync(() => server.Recorder.Status.Healthy);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);
        Assert.Equal(990, server.Store.Count());
        Assert.Equal(15 * 101 - 990, server.Recorder.Status.Dropped);
    }
}
