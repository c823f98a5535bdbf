using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using TickerService.Market;

namespace TickerService.RawFloor;

/// <summary>
/// The classic SignalR stock ticker (the StockTickR sample): every client calls
/// <c>StreamQuotes</c> and gets its own channel; each tick writes every quote into every
/// channel, and SignalR serializes each item again for each connection as a StreamItem. The
/// per-client channel is bounded and drops its oldest item when full, as the sample's
/// bounded buffer does, so a stuck client costs bounded memory.
/// </summary>
public sealed class StockTicker
{
    private const int ChannelCapacity = 1024;
    private readonly Lock _gate = new();
    private ChannelWriter<Quote>[] _subscribers = [];

    public void Publish(Quote[] quotes)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            foreach (var quote in quotes)
            {
                subscriber.TryWrite(quote);
            }
        }
    }

    public ChannelReader<Quote> Subscribe(CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<Quote>(new BoundedChannelOptions(ChannelCapacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
            SingleWriter = true,
        });
        lock (_gate)
        {
            Volatile.Write(ref _subscribers, [.. _subscribers, channel.Writer]);
        }
        cancellationToken.Register(() =>
        {
            lock (_gate)
            {
                Volatile.Write(ref _subscribers, Array.FindAll(_subscribers, s => s != channel.Writer));
            }
            channel.Writer.TryComplete();
        });
        return channel.Reader;
    }
}

/// <summary>The stock-ticker hub: one stream per client, every symbol (the symbols argument is taken for the generator's sake and ignored).</summary>
public sealed class StockTickerHub(StockTicker ticker) : Hub
{
    public ChannelReader<Quote> StreamQuotes(string[] symbols, CancellationToken cancellationToken) =>
        ticker.Subscribe(cancellationToken);
}
