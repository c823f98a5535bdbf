using Microsoft.AspNetCore.SignalR.Client;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Feed;

/// <summary>The real Quartz schedule: the tick job and the cron session jobs, on the wall clock.</summary>
public sealed class ScheduledFeedTests : IAsyncLifetime
{
    private readonly TickerServer _server = new TickerServer()
        .With("Ticker:Feed:Mode", "Simulator")
        .With("Ticker:Feed:TickInterval", "00:00:00.050")
        // Open on even seconds, close on odd ones: a session change every second.
        .With("Ticker:Session:OpenCron", "0/2 * * * * ?")
        .With("Ticker:Session:CloseCron", "1/2 * * * * ?");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task QuartzTicksTheFeedAndOpensAndClosesTheSession()
    {
        await using var client = await _server.ConnectAsync();
        await client.SubscribeAsync("XOM");

        var states = new List<string>();
        while (states.Count < 3)
        {
            states.Add((await client.NextSessionAsync()).State);
        }

        // Sessions alternate, and quotes flowed between them in strict sequence.
        Assert.True(states.Zip(states.Skip(1)).All(p => p.First != p.Second), string.Join(",", states));
        var sequences = new List<long>();
        while (client.Pending > 0)
        {
            sequences.AddRange((await client.NextBatchAsync()).Select(q => q.Sequence));
        }
        Assert.True(sequences.Count >= 5, $"only {sequences.Count} quotes in three sessions");
        Assert.Equal(sequences.Order(), sequences);
        Assert.Equal(sequences.Distinct().Count(), sequences.Count);
    }
}
