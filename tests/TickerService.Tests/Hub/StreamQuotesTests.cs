using Microsoft.AspNetCore.SignalR.Client;
using TickerService.Market;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Hub;

public sealed class StreamQuotesTests : IAsyncLifetime
{
    private readonly TickerServer _server = new TickerServer().With("Ticker:Limits:MaxStreamsPerConnection", "2");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [MemberData(nameof(Protocols.Both), MemberType = typeof(Protocols))]
    public async Task StreamsTheSnapshotThenEveryUpdateUntilTheClientEndsIt(string protocol)
    {
        await using var client = await _server.ConnectAsync(protocol);
        using var cancel = new CancellationTokenSource(TickerServer.Timeout);
        var stream = client.Connection.StreamAsync<Quote>("StreamQuotes", new[] { "XOM", "BP" }, cancel.Token);
        await using var reader = stream.GetAsyncEnumerator(cancel.Token);

        var snapshot = new[] { await Next(reader), await Next(reader) };
        Assert.Equal(["XOM", "BP"], snapshot.Select(q => q.Symbol));

        var ticked = _server.Market.Tick();
        var update = new[] { await Next(reader), await Next(reader) };
        Assert.Equal(ticked.Where(q => q.Symbol is "XOM" or "BP"), update);

        await cancel.CancelAsync();
        // Ending the stream frees its slot: two more fit under the limit of two.
        await Eventually.TrueAsync(() => OpenStreamsFit(client, 2).Result);
    }

    [Fact]
    public async Task AConnectionHoldsAtMostTheConfiguredStreams()
    {
        await using var client = await _server.ConnectAsync();
        using var cancel = new CancellationTokenSource(TickerServer.Timeout);
        var first = client.Connection.StreamAsync<Quote>("StreamQuotes", new[] { "XOM" }, cancel.Token).GetAsyncEnumerator(cancel.Token);
        var second = client.Connection.StreamAsync<Quote>("StreamQuotes", new[] { "CVX" }, cancel.Token).GetAsyncEnumerator(cancel.Token);
        await Next(first);
        await Next(second);

        var third = client.Connection.StreamAsync<Quote>("StreamQuotes", new[] { "BP" }, cancel.Token).GetAsyncEnumerator(cancel.Token);
        var error = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(async () => await Next(third));

        Assert.Contains("Too many quote streams: at most 2 per connection", error.Message);
        await cancel.CancelAsync();
    }

    private static async Task<bool> OpenStreamsFit(QuoteClient client, int count)
    {
        using var cancel = new CancellationTokenSource(TickerServer.Timeout);
        try
        {
            var readers = Enumerable.Range(0, count)
                .Select(_ => client.Connection.StreamAsync<Quote>("StreamQuotes", new[] { "XOM" }, cancel.Token).GetAsyncEnumerator(cancel.Token))
                .ToList();
            foreach (var reader in readers)
            {
                await Next(reader);
            }
            return true;
        }
        catch (Microsoft.AspNetCore.SignalR.HubException)
        {
            return false;
        }
        finally
        {
            await cancel.CancelAsync();
        }
    }

    private static async Task<Quote> Next(IAsyncEnumerator<Quote> reader)
    {
        Assert.True(await reader.MoveNextAsync().AsTask().WaitAsync(TickerServer.Timeout));
        return reader.Current;
    }
}
