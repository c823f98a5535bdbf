using System.Net;
using System.Net.Http.Json;
using System.Reactive.Concurrency;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using TickerService.Market;
using TickerService.Server.Feed;
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

    [Theory]
    [InlineData("file")]
    [InlineData("database")]
    public async Task UnconfiguredSymbolsInSymbolOrderPlayInTimeOrderAsHistoryOnlyInstruments(string source)
    {
        // Three days of two symbols no instrument configures, written one symbol after the other.
        var aapl = RecordedBars.Daily("AAPL", "Apple Inc.", 3, 30.00m);
        var msft = RecordedBars.Daily("MSFT", "Microsoft", 3, 25.50m);
        var database = Path.Combine(_folder, "ticker.db");
        var clock = new HistoricalScheduler(DateTimeOffset.UtcNow);
        await using var server = new TickerServer(database)
            .With("Ticker:Feed:Mode", "Replay")
            .With("Ticker:Feed:Replay:InstantsPerSecond", "1")
            .With("Ticker:Feed:Replay:Loop", "false")
            .WithServices(services => services.AddSingleton<IScheduler>(clock));
        if (source == "file")
        {
            var file = Path.Combine(_folder, "by-symbol.jsonl");
            await File.WriteAllLinesAsync(file, aapl.Concat(msft).Select(RecordingFormats.ToJsonLine));
            server.With("Ticker:Feed:Replay:File", file);
        }
        else
        {
            using var connection = new RecordingStore(database).OpenForWriting();
            RecordingStore.Insert(connection, aapl.Concat(msft), ignoreDuplicates: false);
        }
        await using var client = await server.ConnectAsync();
        await client.SubscribeAsync("*");

        // One recorded day a second: each day's two quotes go out together.
        var batches = new List<Quote[]>();
        for (var day = 0; day < 3; day++)
        {
            // The first day as soon as the scheduler runs (a virtual clock runs only when moved on).
            clock.AdvanceBy(day == 0 ? TimeSpan.FromTicks(1) : TimeSpan.FromSeconds(1));
            batches.Add(await client.NextBatchAsync());
        }

        Assert.Equal([[aapl[0], msft[0]], [aapl[1], msft[1]], [aapl[2], msft[2]]], batches);
        using var http = server.Http();
        var instruments = await http.GetFromJsonAsync<Instrument[]>("/api/instruments");
        Assert.Equal(
            [("AAPL", "Apple Inc.", 0.01, 2, false), ("MSFT", "Microsoft", 0.01, 2, false)],
            instruments!.Select(i => (i.Symbol, i.Name, i.TickSize, i.Decimals, i.Simulated)));
        await using var binary = await server.ConnectAsync("messagepack");
        Assert.Equal(instruments, await binary.Connection.InvokeAsync<Instrument[]>("GetInstruments").WaitAsync(TickerServer.Timeout));
        Assert.Equal(msft[2], await http.GetFromJsonAsync<Quote>("/api/quotes/msft"));
        Assert.True(server.Services.GetRequiredService<ReplayQuoteSource>().Finished);
    }

    [Fact]
    public async Task TheFeedMessageGoesToEveryClientWhenEachPassStarts()
    {
        var file = Path.Combine(_folder, "week.jsonl");
        var week = RecordedBars.Daily("SPX", "S&P 500", 5, 1115.10m);
        await File.WriteAllLinesAsync(file, week.Select(RecordingFormats.ToJsonLine));
        var clock = new HistoricalScheduler(DateTimeOffset.UtcNow);
        await using var server = new TickerServer()
            .With("Ticker:Feed:Mode", "Replay")
            .With("Ticker:Feed:Replay:File", file)
            .With("Ticker:Feed:Replay:InstantsPerSecond", "10")
            .WithServices(services => services.AddSingleton<IScheduler>(clock));
        var announced = new[] { Channel.CreateUnbounded<FeedStatus>(), Channel.CreateUnbounded<FeedStatus>() };
        var clients = new List<QuoteClient>();
        foreach (var (channel, protocol) in announced.Zip(new[] { "json", "messagepack" }))
        {
            var client = await server.ConnectAsync(protocol);
            client.Connection.On<FeedStatus>("feed", status => channel.Writer.TryWrite(status));
            clients.Add(client);
        }

        clock.AdvanceBy(TimeSpan.FromTicks(1));
        foreach (var channel in announced)
        {
            var status = await channel.Reader.ReadAsync().AsTask().WaitAsync(TickerServer.Timeout);
            Assert.Equal(new FeedStatus { Mode = "replay", Speed = null, InstantsPerSecond = 10, At = week[0].Timestamp }, status);
        }
        // Five days at ten a second: the fifth at 0.4 s, and the second pass starts with it done.
        clock.AdvanceBy(TimeSpan.FromMilliseconds(400) - TimeSpan.FromTicks(2));
        Assert.All(announced, channel => Assert.Equal(0, channel.Reader.Count));
        clock.AdvanceBy(TimeSpan.FromTicks(1));
        foreach (var channel in announced)
        {
            var status = await channel.Reader.ReadAsync().AsTask().WaitAsync(TickerServer.Timeout);
            Assert.Equal(week[0].Timestamp, status.At);
        }
        Assert.Equal(1, server.Services.GetRequiredService<ReplayQuoteSource>().Passes);
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task TheInstantsPacePlaysADecadeOfDailyQuotesInAMinute()
    {
        // Ten years of trading days (252 a year) at 42 a second: 2,520 steps, the last at 59.976 s.
        var decade = RecordedBars.Daily("SPX", "S&P 500", 2520, 1115.10m);
        var file = Path.Combine(_folder, "decade.jsonl");
        await File.WriteAllLinesAsync(file, decade.Select(RecordingFormats.ToJsonLine));
        var clock = new HistoricalScheduler(DateTimeOffset.UtcNow);
        await using var server = new TickerServer()
            .With("Ticker:Feed:Mode", "Replay")
            .With("Ticker:Feed:Replay:File", file)
            .With("Ticker:Feed:Replay:InstantsPerSecond", "42")
            .With("Ticker:Feed:Replay:Loop", "false")
            .WithServices(services => services.AddSingleton<IScheduler>(clock));
        _ = server.BaseAddress;
        var state = server.Services.GetRequiredService<FeedState>();
        var source = server.Services.GetRequiredService<ReplayQuoteSource>();

        // Halfway through the minute the feed is halfway through the decade, and says where.
        clock.AdvanceBy(TimeSpan.FromSeconds(30));
        Assert.Equal(decade[1260].Timestamp, state.Current.At);
        Assert.Equal(1261, server.Feed.PublishedCount);

        clock.AdvanceBy(TimeSpan.FromSeconds(29.97));
        Assert.False(source.Finished);
        clock.AdvanceBy(TimeSpan.FromSeconds(0.01));
        Assert.True(source.Finished);
        Assert.Equal(decade.Length, server.Feed.PublishedCount);
        Assert.Equal(decade[^1].Timestamp, state.Current.At);
    }
}
