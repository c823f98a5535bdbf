using StackExchange.Redis;

namespace TickerService.Server.Cluster;

/// <summary>
/// Two connections to the bus's Redis: one for commands (lease, publish, tail scans) and one for
/// the reader's blocking XREAD alone, since a blocked command holds up every other command on its
/// (multiplexed) connection. Neither fails the start when Redis is down: they connect when it comes.
/// </summary>
public sealed class BusConnections : IDisposable
{
    public BusConnections(string configuration)
    {
        Commands = Connect(configuration, "ticker-commands", TimeSpan.FromSeconds(1));
        Reads = Connect(configuration, "ticker-reads", TimeSpan.FromSeconds(5));
    }

    public IConnectionMultiplexer Commands { get; }

    public IConnectionMultiplexer Reads { get; }

    public void Dispose()
    {
        Commands.Dispose();
        Reads.Dispose();
    }

    private static ConnectionMultiplexer Connect(string configuration, string name, TimeSpan timeout)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.ClientName ??= name;
        options.ConnectTimeout = 2000;
        // A tick waits for its append: a short timeout keeps a stalled Redis from stalling the simulator.
        options.SyncTimeout = (int)timeout.TotalMilliseconds;
        options.AsyncTimeout = (int)timeout.TotalMilliseconds;
        options.ReconnectRetryPolicy = new LinearRetry(250);
        return ConnectionMultiplexer.Connect(options);
    }
}
