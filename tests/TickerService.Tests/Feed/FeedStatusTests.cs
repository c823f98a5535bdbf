using System.Net.Http.Json;
using System.Reactive.Concurrency;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using TickerService.Market;
using TickerService.Server.Feed;
using TickerService.Server.Recording;
using TickerService.Tests.Infrastructure;
using TickerService.Tests.Replay;

namespace TickerService.Tests.Feed;

/// <summary>GET /api/feed and the hub's GetFeed() say what drives the feed (SPEC section 9).</summary>
public sealed class FeedStatusTests : IDisposable
{
    private readonly string _folder = TempFolder.Create();

    public void Dispose() => TempFolder.Delete(_folder);

    [Theory]
    [InlineData("Simulator")]
    [InlineData("Manual")]
    public async Task TheSimulatorIsReportedWithNoSpeedAndTheTimeNow(string mode)
    {
        await using var server = new TickerServer().With("Ticker:Feed:Mode", mode);
        using var http = server.Http();
        var before = DateTime.UtcNow.AddMilliseconds(-1);

        using var json = JsonDocument.Parse(await http.GetStringAsync("/api/feed"));
        var statuses = new List<FeedStatus> { (await http.GetFromJsonAsync<FeedStatus>("/api/feed"))! };
        foreach (var protocol in new[] { "json", "messagepack" })
        {
            await using var client = await server.ConnectAsync(protocol);
            statuses.Add(await client.Connection.InvokeAsync<FeedStatus>("GetFeed").WaitAsync(TickerServer.Timeout));
        }
        var after = DateTime.UtcNow.AddMilliseconds(1);

        Assert.Equal("simulator", json.RootElement.GetProperty("mode").GetString());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("speed").ValueKind);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", json.RootElement.GetProperty("at").GetString());
        Assert.All(statuses, status =>
        {
            Assert.Equal(("simulator", null, null), (status.Mode, status.Speed, status.InstantsPerSecond));
            Assert.InRange(status.At, before, after);
        });
    }

    [Fact]
    public async Task AReplayIsReportedWithItsSpeedAndTheRecordedTimeBeingPlayed()
    {
        // XOM recorded at 0, 250, 500 and 1000 ms, played ten times faster on a virtual clock.
        var recorded = ReplaySessionTests.Recorded;
        var file = Path.Combine(_folder, "day.jsonl");
        await File.WriteAllLinesAsync(file, recorded.Select(RecordingFormats.ToJsonLine));
        var clock = new HistoricalScheduler(DateTimeOffset.UtcNow);
        await using var server = new TickerServer()
            .With("Ticker:Feed:Mode", "Replay")
            .With("Ticker:Feed:Replay:File", file)
            .With("Ticker:Feed:Replay:Speed", "10")
            .WithServices(services => services.AddSingleton<IScheduler>(clock));
        await using var json = await server.ConnectAsync("json");
        await using var messagePack = await server.ConnectAsync("messagepack");
        using var http = server.Http();

        async Task<List<FeedStatus>> Statuses() =>
        [
            (await http.GetFromJsonAsync<FeedStatus>("/api/feed"))!,
            await json.Connection.InvokeAsync<FeedStatus>("GetFeed").WaitAsync(TickerServer.Timeout),
            await messagePack.Connection.InvokeAsync<FeedStatus>("GetFeed").WaitAsync(TickerServer.Timeout),
        ];

        clock.AdvanceBy(TimeSpan.FromTicks(1));
        Assert.All(await Statuses(), status => Assert.Equal(new FeedStatus { Mode = "replay", Speed = 10, InstantsPerSecond = null, At = recorded[0].Timestamp }, status));

        // The third quote was recorded 500 ms in: 50 ms at ten times.
        clock.AdvanceBy(TimeSpan.FromMilliseconds(50));
        Assert.All(await Statuses(), status => Assert.Equal(recorded[2].Timestamp, status.At));
        using var raw = JsonDocument.Parse(await http.GetStringAsync("/api/feed"));
        Assert.Equal(
            """{"mode":"replay","speed":10,"instantsPerSecond":null,"at":"2020-01-06T14:00:00.500Z"}""",
            raw.RootElement.GetRawText());
    }
}
