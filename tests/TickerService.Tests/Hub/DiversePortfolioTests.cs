using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Hub;

/// <summary>
/// Every page its own symbols: many connections with different subscriptions, each given exactly
/// its own quotes of every tick, in order, in one message per tick; enough of them that the
/// fan-out spreads the work over cores.
/// </summary>
public sealed class DiversePortfolioTests : IAsyncLifetime
{
    // More connections and distinct portfolios than TickFanOut does alone on one thread.
    private const int Clients = 150;

    private readonly TickerServer _server = new();
    private readonly List<(QuoteClient Client, HashSet<string> Symbols)> _clients = [];

    public async Task InitializeAsync()
    {
        var symbols = _server.Market.Tick().Select(q => q.Symbol).ToArray();
        var connects = Enumerable.Range(0, Clients).Select(async i =>
        {
            var client = await _server.ConnectAsync(i % 2 == 0 ? "json" : "messagepack");
            // Seeded per client, so a failure can be replayed.
            var random = new Random(i);
            var portfolio = symbols.OrderBy(_ => random.Next()).Take(1 + i % 6).ToHashSet();
            return (client, portfolio);
        });
        foreach (var (client, portfolio) in await Task.WhenAll(connects))
        {
            await client.SubscribeAsync([.. portfolio]);
            _clients.Add((client, portfolio));
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var (client, _) in _clients)
        {
            await client.DisposeAsync();
        }
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task EveryClientGetsExactlyItsOwnQuotesOfEveryTickInOrder()
    {
        var counters = _server.Broadcaster.Counters;
        var portfolios = _clients.Select(c => string.Join(',', c.Symbols.Order())).Distinct().Count();
        Assert.True(portfolios >= 64, $"Only {portfolios} distinct portfolios: too few to spread the composing over cores.");
        var messagesBefore = counters.Messages;

        const int ticks = 20;
        var ticked = new List<IReadOnlyList<TickerService.Market.Quote>>();
        for (var i = 0; i < ticks; i++)
        {
            ticked.Add(_server.Market.Tick());
        }

        foreach (var (client, symbols) in _clients)
        {
            foreach (var tick in ticked)
            {
                var batch = await client.NextBatchAsync();
                Assert.Equal(tick.Where(q => symbols.Contains(q.Symbol)), batch);
            }
        }
        // One message per distinct portfolio and tick, shared by the clients that hold it.
        Assert.Equal((long)portfolios * ticks, counters.Messages - messagesBefore);
    }
}
