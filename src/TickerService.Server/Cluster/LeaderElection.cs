using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TickerService.Configuration;
using TickerService.Market;
using TickerService.Pipelines;
using TickerService.Server.Feed;
using TickerService.Server.Replay;

namespace TickerService.Server.Cluster;

/// <summary>
/// Keeps the lease: the leader renews it every third of the lease time, a follower tries to take it
/// as often, and learns who leads otherwise. A node that takes the lease first continues the
/// simulator from the stream's last quotes (prices, day, session and every symbol's sequence),
/// then produces; a session open or close that fell due during the handover is caught up. In
/// replay mode it plays the recording on from the instant after the stream's last quotes instead.
/// </summary>
internal sealed partial class LeaderElection(
    RedisLease lease,
    BusConnections connections,
    ClusterKeys keys,
    ClusterOptions options,
    ClusterState state,
    SimulatedMarket market,
    LastValueCache cache,
    InstrumentCatalog catalog,
    SessionSchedule schedule,
    IOptions<TickerOptions> ticker,
    IServiceProvider services,
    TimeProvider time,
    ILogger<LeaderElection> logger) : BackgroundService
{
    private string? _heldBefore;
    private long _highestEpoch;
    private DateTimeOffset _renewedAt;
    private bool _failing;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.LeaseTime / 3, time);
        do
        {
            try
            {
                await RoundAsync().ConfigureAwait(false);
                if (_failing)
                {
                    _failing = false;
                    LogReachable(state.Node);
                }
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                if (!_failing)
                {
                    _failing = true;
                    LogUnreachable(exception, state.Node);
                }
                // Redis will refuse this node's appends anyway once the lease expired; stop making ticks too.
                if (state.IsLeader && time.GetUtcNow() - _renewedAt > options.LeaseTime && state.SteppedDown())
                {
                    LogSteppedDown(state.Node, "Redis did not answer for a whole lease");
                }
            }
        }
        while (await WaitAsync(timer, stoppingToken).ConfigureAwait(false));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        var holding = state.Holding;
        if (state.SteppedDown() && holding is not null)
        {
            // A clean stop hands over at once instead of after the lease runs out.
            try
            {
                await lease.ReleaseAsync(holding).WaitAsync(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                LogReleased(state.Node);
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException or OperationCanceledException)
            {
            }
        }
    }

    private async Task RoundAsync()
    {
        if (state.Holding is { } holding)
        {
            if (await lease.RenewAsync(holding).ConfigureAwait(false))
            {
                _renewedAt = time.GetUtcNow();
            }
            else if (state.SteppedDown())
            {
                LogSteppedDown(state.Node, "its lease was gone or taken");
            }
            return;
        }

        var (taken, current) = await lease.TryAcquireAsync(state.Node, _heldBefore, _highestEpoch).ConfigureAwait(false);
        var (node, epoch) = RedisLease.Parse(current);
        _highestEpoch = Math.Max(_highestEpoch, epoch);
        if (taken)
        {
            _renewedAt = time.GetUtcNow();
            await TakeOverAsync(current, epoch).ConfigureAwait(false);
        }
        else
        {
            if (state.Status.Leader != node || state.Status.Epoch != epoch)
            {
                LogFollows(state.Node, node, epoch);
            }
            state.Observed(node, epoch);
        }
    }

    private async Task TakeOverAsync(string holding, long epoch)
    {
        // Nobody else can append now: what the stream ends with is what to continue from.
        var tail = await StreamTail.ReadAsync(connections.Commands.GetDatabase(), keys.Quotes, catalog, options.StreamLength).ConfigureAwait(false);
        var fromStream = tail.LastQuotes.Select(q => q.Symbol).ToHashSet(StringComparer.Ordinal);
        // A symbol the stream no longer holds (or a stream lost with a Redis restart): what this node last delivered.
        var fromCache = catalog.Options.Select(o => cache.Get(o.Symbol)).OfType<Quote>().Where(q => !fromStream.Contains(q.Symbol)).ToList();
        if (ticker.Value.Feed.Mode == FeedMode.Replay)
        {
            state.BecameLeader(holding, epoch);
            _heldBefore = holding;
            LogLeads(state.Node, epoch, tail.LastId ?? "(empty)", tail.LastQuotes.Count, fromCache.Count);
            // A stream lost with a Redis restart: this node's cache says how far the replay had come.
            var playedTo = tail.LastPublishedAt ?? (fromCache.Count > 0 ? fromCache.Max(q => q.Timestamp) : null);
            services.GetRequiredService<ReplayQuoteSource>().Lead([.. tail.LastQuotes, .. fromCache], playedTo);
            return;
        }
        var open = tail.Open ?? (fromCache.Count > 0 ? fromCache.Any(q => q.Session == SessionState.Open) : market.IsOpen);
        market.ContinueFrom([.. tail.LastQuotes, .. fromCache], open);

        state.BecameLeader(holding, epoch);
        _heldBefore = holding;
        LogLeads(state.Node, epoch, tail.LastId ?? "(empty)", tail.LastQuotes.Count, fromCache.Count);

        if (tail.LastQuotes.Count == 0)
        {
            // A fresh bus: every node's cache gets every symbol, as a single node's start gives it.
            market.PublishSnapshot();
        }
        CatchUpSession();
    }

    private void CatchUpSession()
    {
        if (ticker.Value.Feed.Mode != FeedMode.Simulator)
        {
            return;
        }
        var due = schedule.IsOpenAt(time.GetUtcNow());
        if (due && !market.IsOpen)
        {
            market.OpenSession();
        }
        else if (!due && market.IsOpen)
        {
            market.CloseSession();
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node} leads now (epoch {Epoch}), continuing after stream entry {Id} ({FromStream} symbols from the stream, {FromCache} from its own cache)")]
    private partial void LogLeads(string node, long epoch, string id, int fromStream, int fromCache);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node} follows {Leader} (epoch {Epoch})")]
    private partial void LogFollows(string node, string leader, long epoch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node} stepped down: {Reason}")]
    private partial void LogSteppedDown(string node, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} released its lease on stopping")]
    private partial void LogReleased(string node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node} cannot reach Redis for the lease")]
    private partial void LogUnreachable(Exception exception, string node);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} reaches Redis again")]
    private partial void LogReachable(string node);
}
