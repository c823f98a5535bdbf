using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using TickerService.Market;
using TickerService.Server.Feed;
using TickerService.Server.Hub;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Cluster;

/// <summary>A real SignalR client of one node that keeps every live quote it receives, in order.</summary>
internal sealed class ClusterClient : IAsyncDisposable
{
    private readonly List<Quote> _quotes = [];
    private readonly List<FeedStatus> _feeds = [];
    private readonly HubConnection _connection;

    private ClusterClient(HubConnection connection, string node)
    {
        _connection = connection;
        Node = node;
        connection.On<FeedStatus>("feed", status =>
        {
            lock (_feeds)
            {
                _feeds.Add(status);
            }
        });
        connection.On<Quote[]>("quotes", batch =>
        {
            lock (_quotes)
            {
                _quotes.AddRange(batch);
            }
            if (OnQuote is { } onQuote)
            {
                Array.ForEach(batch, onQuote);
            }
        });
    }

    public string Node { get; }

    /// <summary>Called for each quote as it arrives (the measurements time them).</summary>
    public Action<Quote>? OnQuote { get; set; }

    public HubConnectionState State => _connection.State;

    public static async Task<ClusterClient> ConnectAsync(string node, ChildServer server, string protocol, params string[] symbols)
    {
        var builder = new HubConnectionBuilder().WithUrl(new Uri(server.BaseAddress, HubExtensions.Path));
        if (protocol == "messagepack")
        {
            builder.AddMessagePackProtocol();
        }
        var client = new ClusterClient(builder.Build(), node);
        await client._connection.StartAsync().WaitAsync(TickerServer.Timeout);
        await client._connection.InvokeAsync<Quote[]>("Subscribe", symbols).WaitAsync(TickerServer.Timeout);
        return client;
    }

    /// <summary>Every <c>feed</c> message so far (a replay pass starting).</summary>
    public FeedStatus[] Feeds
    {
        get
        {
            lock (_feeds)
            {
                return [.. _feeds];
            }
        }
    }

    public Quote[] Quotes(string symbol)
    {
        lock (_quotes)
        {
            return [.. _quotes.Where(q => q.Symbol == symbol)];
        }
    }

    /// <summary>Forgets what came so far (the warm-up, while the nodes still compile their code).</summary>
    public void Forget()
    {
        lock (_quotes)
        {
            _quotes.Clear();
        }
    }

    public long LastSequence(string symbol) => Quotes(symbol) is { Length: > 0 } quotes ? quotes[^1].Sequence : 0;

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
