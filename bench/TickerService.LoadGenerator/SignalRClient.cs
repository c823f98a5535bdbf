using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace TickerService.LoadGenerator;

/// <summary>
/// One connection through the real .NET SignalR client (WebSockets, no negotiation), for
/// comparing its cost with <see cref="RawClient"/>. Quotes are read into <see cref="QuoteTimes"/>,
/// the three fields the measurement needs; the rest of each quote is skipped by the deserializer.
/// </summary>
public sealed class SignalRClient(Stats stats, SymbolTable symbols)
{
    private readonly long[] _lastSequence = new long[symbols.Count];
    private HubConnection? _connection;
    private volatile bool _closing;

    public sealed record QuoteTimes(string Symbol, long Sequence, DateTime Timestamp);

    public async Task ConnectAsync(Uri baseUrl, string mode, string[] subscribeTo, CancellationToken cancellationToken)
    {
        _connection = new HubConnectionBuilder()
            .WithUrl(new Uri(baseUrl, "/hubs/quotes"), options =>
            {
                options.SkipNegotiation = true;
                options.Transports = HttpTransportType.WebSockets;
            })
            .Build();
        _connection.Closed += _ =>
        {
            if (!_closing)
            {
                Interlocked.Increment(ref stats.Disconnects);
            }
            return Task.CompletedTask;
        };
        if (mode == "subscribe")
        {
            _connection.On<QuoteTimes[]>("quotes", quotes =>
            {
                var now = DateTime.UtcNow;
                foreach (var quote in quotes)
                {
                    stats.AddQuote(_lastSequence, symbols.IndexOf(quote.Symbol), quote.Sequence, quote.Timestamp.ToUniversalTime(), now);
                }
                if (stats.Measuring)
                {
                    stats.AddMessage(0);
                }
            });
        }
        await _connection.StartAsync(cancellationToken).ConfigureAwait(false);
        if (mode == "subscribe")
        {
            await _connection.InvokeAsync<QuoteTimes[]>("Subscribe", subscribeTo, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            _ = ReadStreamAsync(_connection.StreamAsync<QuoteTimes>("StreamQuotes", subscribeTo, CancellationToken.None));
        }
    }

    public async Task CloseAsync()
    {
        _closing = true;
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task ReadStreamAsync(IAsyncEnumerable<QuoteTimes> stream)
    {
        try
        {
            await foreach (var quote in stream.ConfigureAwait(false))
            {
                stats.AddQuote(_lastSequence, symbols.IndexOf(quote.Symbol), quote.Sequence, quote.Timestamp.ToUniversalTime(), DateTime.UtcNow);
                if (stats.Measuring)
                {
                    stats.AddMessage(0);
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or System.Net.WebSockets.WebSocketException or InvalidOperationException)
        {
        }
    }
}
