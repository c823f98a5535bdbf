using Microsoft.AspNetCore.SignalR.Client;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Hub;

/// <summary>Subscribe, updates and Unsubscribe over real Kestrel with the real .NET client, on both protocols.</summary>
public sealed class SubscriptionTests : IAsyncLifetime
{
    private readonly TickerServer _server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [MemberData(nameof(Protocols.Both), MemberType = typeof(Protocols))]
    public async Task SubscribeReturnsSnapshotBeforeFirstTick(string protocol)
    {
        await using var client = await _server.ConnectAsync(protocol);

        var snapshot = await client.SubscribeAsync("XOM", "CVX");

        Assert.Equal(["XOM", "CVX"], snapshot.Select(q => q.Symbol));
        var xom = snapshot[0];
        Assert.Equal("EXXON Mobil", xom.Name);
        Assert.Equal(57.81, xom.Open);
        Assert.Equal(1, xom.Sequence);
        Assert.Equal("open", xom.Session);
        Assert.Equal(0, client.Pending);
    }

    [Theory]
    [MemberData(nameof(Protocols.Both), MemberType = typeof(Protocols))]
    public async Task OnlySubscribedSymbolsArrive(string protocol)
    {
        await using var client = await _server.ConnectAsync(protocol);
        await client.SubscribeAsync("XOM", "CL=F");

        var ticked = _server.Market.Tick();
        var batch = await client.NextBatchAsync();

        Assert.Equal(["XOM", "CL=F"], batch.Select(q => q.Symbol));
        Assert.Equal(ticked.Single(q => q.Symbol == "XOM"), batch[0]);
        Assert.Equal(ticked.Single(q => q.Symbol == "CL=F"), batch[1]);
    }

    [Theory]
    [MemberData(nameof(Protocols.Both), MemberType = typeof(Protocols))]
    public async Task UnsubscribeStopsThem(string protocol)
    {
        await using var client = await _server.ConnectAsync(protocol);
        await client.SubscribeAsync("XOM", "CVX", "BP");
        await client.UnsubscribeAsync("CVX", "BP");

        _server.Market.Tick();
        _server.Market.Tick();

        // One batch per tick; each tick's batch carries every subscribed symbol that ticked.
        Assert.Equal(["XOM"], (await client.NextBatchAsync()).Select(q => q.Symbol));
        Assert.Equal(["XOM"], (await client.NextBatchAsync()).Select(q => q.Symbol));

        await client.UnsubscribeAsync("XOM");
        await client.SubscribeAsync("SHEL");
        _server.Market.Tick();
        Assert.Equal(["SHEL"], (await client.NextBatchAsync()).Select(q => q.Symbol));
    }

    [Theory]
    [MemberData(nameof(Protocols.Both), MemberType = typeof(Protocols))]
    public async Task StarCoversEveryInstrument(string protocol)
    {
        await using var client = await _server.ConnectAsync(protocol);
        var instruments = await client.Connection.InvokeAsync<TickerService.Market.Instrument[]>("GetInstruments").WaitAsync(TickerServer.Timeout);

        var snapshot = await client.SubscribeAsync("*");
        _server.Market.Tick();
        var batch = await client.NextBatchAsync();

        var symbols = instruments.Select(i => i.Symbol).ToArray();
        Assert.True(symbols.Length >= 10);
        Assert.Equal(symbols, snapshot.Select(q => q.Symbol));
        Assert.Equal(symbols, batch.Select(q => q.Symbol));
        Assert.All(batch, q => Assert.Equal(2, q.Sequence));
    }

    [Theory]
    [MemberData(nameof(Protocols.Both), MemberType = typeof(Protocols))]
    public async Task SequencesIncreaseByOneWithoutGaps(string protocol)
    {
        await using var client = await _server.ConnectAsync(protocol);
        await client.SubscribeAsync("*");

        // A client that keeps up misses nothing (one that falls behind is conflated: see SlowClientTests).
        var last = new Dictionary<string, long>();
        for (var i = 0; i < 50; i++)
        {
            _server.Market.Tick();
            foreach (var quote in await client.NextBatchAsync())
            {
                Assert.Equal(last.GetValueOrDefault(quote.Symbol, 1) + 1, quote.Sequence);
                last[quote.Symbol] = quote.Sequence;
            }
        }
    }

    [Fact]
    public async Task ClientsWithDifferentSubscriptionsEachGetTheirOwn()
    {
        await using var json = await _server.ConnectAsync("json");
        await using var pack = await _server.ConnectAsync("messagepack");
        await using var all = await _server.ConnectAsync("json");
        await json.SubscribeAsync("XOM");
        await pack.SubscribeAsync("XOM");
        await all.SubscribeAsync("*");

        var ticked = _server.Market.Tick();

        Assert.Equal(ticked.Single(q => q.Symbol == "XOM"), Assert.Single(await json.NextBatchAsync()));
        Assert.Equal(ticked.Single(q => q.Symbol == "XOM"), Assert.Single(await pack.NextBatchAsync()));
        Assert.Equal(ticked, await all.NextBatchAsync());
    }

    [Fact]
    public async Task ClientsWithTheSameSymbolsShareOneMessagePerTickWhateverTheirProtocol()
    {
        var clients = new List<QuoteClient>();
        for (var i = 0; i < 10; i++)
        {
            var client = await _server.ConnectAsync(i % 2 == 0 ? "json" : "messagepack");
            await client.SubscribeAsync(i < 8 ? "*" : "XOM");
            clients.Add(client);
        }
        var counters = _server.Broadcaster.Counters;
        var (messages, delivered) = (counters.Messages, counters.Delivered);

        var ticked = _server.Market.Tick();
        foreach (var client in clients)
        {
            await client.NextBatchAsync();
        }

        // Two groups (everything; XOM alone), so two messages, each serialized once per protocol by SignalR.
        Assert.Equal(2, counters.Messages - messages);
        Assert.Equal(8 * ticked.Count + 2, counters.Delivered - delivered);
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task AQuoteIsSerializedOnlyInTheProtocolsOfItsOwnSubscribers()
    {
        await using var json = await _server.ConnectAsync("json");
        await using var pack = await _server.ConnectAsync("messagepack");
        await json.SubscribeAsync("XOM", "CVX");
        await pack.SubscribeAsync("CVX", "BP");
        var counters = _server.Broadcaster.Counters;
        var serialized = counters.Serialized;

        var ticked = _server.Market.Tick();

        Assert.Equal(ticked.Where(q => q.Symbol is "XOM" or "CVX"), await json.NextBatchAsync());
        Assert.Equal(ticked.Where(q => q.Symbol is "CVX" or "BP"), await pack.NextBatchAsync());
        // XOM in JSON, BP in MessagePack, CVX in both: four pieces, not one per quote and protocol in use (six).
        Assert.Equal(4, counters.Serialized - serialized);
    }

    [Fact]
    public async Task DisconnectReleasesTheConnectionAndItsSubscriptions()
    {
        var client = await _server.ConnectAsync();
        await client.SubscribeAsync("*");
        Assert.Equal(1, _server.Broadcaster.ConnectionCount);

        await client.DisposeAsync();

        await Eventually.TrueAsync(() => _server.Broadcaster.ConnectionCount == 0);
    }
}
