using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Hub;

/// <summary>Session close and open reach clients as <c>session</c>, and the open rolls the day.</summary>
public sealed class SessionTests : IAsyncLifetime
{
    private readonly TickerServer _server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [MemberData(nameof(Protocols.Both), MemberType = typeof(Protocols))]
    public async Task CloseThenOpenRollsTheSessionAndTellsClients(string protocol)
    {
        await using var client = await _server.ConnectAsync(protocol);
        await client.SubscribeAsync("XOM");
        for (var i = 0; i < 20; i++)
        {
            _server.Market.Tick();
            await client.NextBatchAsync();
        }

        _server.Market.CloseSession();
        var closed = await client.NextSessionAsync();
        var closing = Assert.Single(await client.NextBatchAsync());

        Assert.Equal("closed", closed.State);
        Assert.Equal("closed", closing.Session);
        Assert.Empty(_server.Market.Tick());

        _server.Market.OpenSession();
        var opened = await client.NextSessionAsync();
        var opening = Assert.Single(await client.NextBatchAsync());

        Assert.Equal("open", opened.State);
        Assert.True(opened.At >= closed.At);
        Assert.Equal("open", opening.Session);
        Assert.Equal(closing.Volume, opening.PreviousVolume);
        Assert.Equal(closing.Last, opening.PreviousClose);
        Assert.Equal(0, opening.Volume);
        Assert.Equal(opening.Last, opening.Open);
        Assert.Equal(0, opening.Change);
        Assert.Equal(closing.Sequence + 1, opening.Sequence);
    }
}
