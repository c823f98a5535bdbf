using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using TickerService.Market;

namespace TickerService.Tests.Infrastructure;

/// <summary>A SignalR client that keeps every <c>quotes</c> and <c>session</c> message it receives, in order.</summary>
public sealed class QuoteClient : IAsyncDisposable
{
    private readonly Channel<Quote[]> _batches = Channel.CreateUnbounded<Quote[]>();
    private readonly Channel<SessionEvent> _sessions = Channel.CreateUnbounded<SessionEvent>();

    public QuoteClient(HubConnection connection)
    {
        Connection = connection;
        connection.On<Quote[]>("quotes", batch => _batches.Writer.TryWrite(batch));
        connection.On<SessionEvent>("session", session => _sessions.Writer.TryWrite(session));
    }

    public HubConnection Connection { get; }

    public Task<Quote[]> SubscribeAsync(params string[] symbols) =>
        Connection.InvokeAsync<Quote[]>("Subscribe", symbols).WaitAsync(TickerServer.Timeout);

    public Task UnsubscribeAsync(params string[] symbols) =>
        Connection.InvokeAsync("Unsubscribe", symbols).WaitAsync(TickerServer.Timeout);

    public async Task<Quote[]> NextBatchAsync() => await _batches.Reader.ReadAsync().AsTask().WaitAsync(TickerServer.Timeout);

    public async Task<SessionEvent> NextSessionAsync() => await _sessions.Reader.ReadAsync().AsTask().WaitAsync(TickerServer.Timeout);

    /// <summary>Batches received so far and not yet read.</summary>
    public int Pending => _batches.Reader.Count;

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
