using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TickerService.Configuration;
using TickerService.Market;
using TickerService.Pipelines;
using TickerService.Server.Health;

namespace TickerService.Tests.Feed;

public sealed class FeedHealthCheckTests
{
    [Fact]
    public async Task ReadyWhileTickingUnreadyWhenTheFeedStalls()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
        var options = new TickerOptions { Feed = { TickInterval = TimeSpan.FromMilliseconds(250) } };
        var catalog = new InstrumentCatalog(options.EffectiveInstruments);
        using var feed = new QuoteFeed(clock);
        var market = new SimulatedMarket(new MarketSimulator(catalog, options.Feed.TickInterval, 1), feed, clock);
        var check = new FeedHealthCheck(feed, market, clock, Options.Create(options));

        Assert.Equal(HealthStatus.Unhealthy, (await check.CheckHealthAsync(new HealthCheckContext())).Status);

        market.Tick();
        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(new HealthCheckContext())).Status);

        clock.Advance(TimeSpan.FromSeconds(2));
        var stalled = await check.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Unhealthy, stalled.Status);
        Assert.Contains("No quote for 6.0 s", stalled.Description);

        market.CloseSession();
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(new HealthCheckContext())).Status);
    }

    [Fact]
    public async Task OnAFollowerTheSessionTheFeedCarriedDecidesNotTheIdleLocalSimulator()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
        var options = new TickerOptions { Feed = { TickInterval = TimeSpan.FromMilliseconds(250) } };
        var catalog = new InstrumentCatalog(options.EffectiveInstruments);
        using var feed = new QuoteFeed(clock);
        // The follower's own simulator: never ticked, its session as it started (open).
        var idle = new SimulatedMarket(new MarketSimulator(catalog, options.Feed.TickInterval, 1), new QuoteFeed(clock), clock);
        var check = new FeedHealthCheck(feed, idle, clock, Options.Create(options));
        Assert.True(idle.IsOpen);

        // The leader's quotes and then its close arrive through the bus into this node's feed.
        var leader = new MarketSimulator(catalog, options.Feed.TickInterval, 2);
        feed.Publish(leader.Tick(clock.GetUtcNow().UtcDateTime));
        feed.PublishSession(new SessionEvent { State = SessionState.Closed, At = clock.GetUtcNow().UtcDateTime });
        clock.Advance(TimeSpan.FromHours(1));
        var closed = await check.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Healthy, closed.Status);
        Assert.Equal("Market closed.", closed.Description);

        // The leader opens again, then its quotes stop: stalled, though the local simulator says nothing.
        feed.PublishSession(new SessionEvent { State = SessionState.Open, At = clock.GetUtcNow().UtcDateTime });
        feed.Publish(leader.Tick(clock.GetUtcNow().UtcDateTime));
        clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(HealthStatus.Unhealthy, (await check.CheckHealthAsync(new HealthCheckContext())).Status);
    }
}
