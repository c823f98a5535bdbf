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
}
