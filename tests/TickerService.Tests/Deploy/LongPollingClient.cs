using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using TickerService.Market;
using TickerService.Server.Hub;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Deploy;

/// <summary>
/// The real .NET SignalR client held to the long-polling transport: negotiate, then a poll after
/// poll, each a separate HTTP request that must reach the node holding the connection. It
/// reconnects by itself and subscribes again, as the widget does.
/// </summary>
internal sealed class LongPollingClient : IAsyncDisposable
{
    private readonly List<Quote> _quotes = [];
    private readonly HubConnection _connection;
    private readonly string[] _symbols;
    private int _reconnects;

    private LongPollingClient(HubConnection connection, string[] symbols)
    {
        _connection = connection;
        _symbols = symbols;
        connection.On<Quote[]>("quotes", batch =>
        {
            lock (_quotes)
            {
                _quotes.AddRange(batch);
            }
        });
        connection.Reconnected += async _ =>
        {
            await connection.InvokeAsync<Quote[]>("Subscribe", _symbols);
            Interlocked.Increment(ref _reconnects);
        };
    }

    /// <summary>Reconnections that ended subscribed again.</summary>
    public int Reconnects => Volatile.Read(ref _reconnects);

    public static async Task<LongPollingClient> ConnectAsync(Uri server, params string[] symbols)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server, HubExtensions.Path), HttpTransportType.LongPolling)
            // At once, then briefly: nginx sends the first retry past a dead node already.
            .WithAutomaticReconnect([TimeSpan.Zero, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2)])
            .Build();
        var client = new LongPollingClient(connection, symbols);
        await connection.StartAsync().WaitAsync(TickerServer.Timeout);
        await connection.InvokeAsync<Quote[]>("Subscribe", symbols).WaitAsync(TickerServer.Timeout);
        return client;
    }

    public long[] Sequences(string symbol)
    {
        lock (_quotes)
        {
            return [.. _quotes.Where(q => q.Symbol == symbol).Select(q => q.Sequence)];
        }
    }

    public long LastSequence(string symbol) => Sequences(symbol) is { Length: > 0 } sequences ? sequences[^1] : 0;

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
