using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TickerService.Market;
using TickerService.Server.Recording;
using TickerService.Server.Replay;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Replay;

/// <summary>Replay mode: a recording (a file or the database) drives the live feed for every client.</summary>
public sealed class ReplayFeedTests : IAsyncLifetime
{
    // XOM at 0, 250, 500 and 1000 ms, sequences n to n+3: a loop pass moves them on by 4.
    private static readonly Quote[] Recorded = ReplaySessionTests.Recorded;

    private readonly string _folder = TempFolder.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        TempFolder.Delete(_folder);
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("file")]
    [InlineData("database")]
    public async Task ARecordingDrivesASubscribedClientAndLoopsWithRisingSequences(string source)
    {
        var database = Path.Combine(_folder, "ticker.db");
        await using var server = new TickerServer(database)
            .With("Ticker:Feed:Mode", "Replay")
            .With("Ticker:Feed:Replay:Speed", "10")
            .With("Ticker:Feed:Replay:Loop", "true");
        if (source == "file")
        {
            var file = Path.Combine(_folder, "day.jsonl");
            await File.WriteAllLinesAsync(file, Recorded.Select(RecordingFormats.ToJsonLine));
            server.With("Ticker:Feed:Replay:File", file);
        }
        else
        {
            var store = new RecordingStore(database);
            using var connection = store.OpenForWriting();
            RecordingStore.Insert(connection, Recorded, ignoreDuplicates: false);
        }

        await using var client = await server.ConnectAsync();
        await client.SubscribeAsync("XOM");
        var received = new List<Quote>();
        while (received.Count < 10)
        {
            received.AddRange(await client.NextBatchAsync());
        }

        Assert.All(received.Zip(received.Skip(1)), pair => Assert.True(pair.Second.Sequence > pair.First.Sequence));
        var first = Recorded[0].Sequence;
        Assert.All(received, quote =>
        {
            var index = (int)((quote.Sequence - first) % 4);
            var pass = (quote.Sequence - first) / 4;
            Assert.Equal(Recorded[index] with { Sequence = Recorded[index].Sequence + 4 * pass }, quote);
        });
        Assert.True(received[^1].Sequence - first >= 4, "The replay looped.");
        using var http = server.Http();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);
        // Nothing is recorded in replay mode: the quotes are recorded already.
        Assert.Equal(source == "file" ? 0 : Recorded.Length, server.Store.Count());
    }

    [Fact]
    public async Task AMissingFileIsReportedByReadiness()
    {
        await using var server = new TickerServer()
            .With("Ticker:Feed:Mode", "Replay")
            .With("Ticker:Feed:Replay:File", Path.Combine(_folder, "missing.jsonl"));
        using var http = server.Http();

        await Eventually.TrueAsync(() => http.GetAsync("/readyz").Result.StatusCode == HttpStatusCode.ServiceUnavailable);
        Assert.Contains("missing.jsonl", server.Services.GetRequiredService<ReplayQuoteSource>().Error);
    }
}
