using TickerService.Market;

namespace TickerService.Pipelines;

/// <summary>
/// Drives the <see cref="QuoteFeed"/> from the <see cref="MarketSimulator"/>: what the Quartz jobs
/// call, and what tests call directly. One lock makes ticks and session changes take turns.
/// In a cluster the output goes to an <see cref="IQuoteOutlet"/> (the quote bus) instead, and a
/// node that is not producing (a follower) neither trades nor publishes.
/// </summary>
public sealed class SimulatedMarket(MarketSimulator simulator, IQuoteOutlet outlet, TimeProvider time)
{
    private readonly Lock _gate = new();

    public SimulatedMarket(MarketSimulator simulator, QuoteFeed feed, TimeProvider time)
        : this(simulator, (IQuoteOutlet)feed, time)
    {
    }

    public bool IsOpen
    {
        get
        {
            lock (_gate)
            {
                return simulator.IsOpen;
            }
        }
    }

    /// <summary>Continues each symbol's sequence from what was published before a restart.</summary>
    public void ContinueSequences(IReadOnlyDictionary<string, long> lastSequenceBySymbol)
    {
        lock (_gate)
        {
            simulator.ContinueSequences(lastSequenceBySymbol);
        }
    }

    /// <summary>
    /// Continues prices, session and sequences from the last quotes another producer published
    /// (a cluster's new leader), instead of from the configured start.
    /// </summary>
    public void ContinueFrom(IEnumerable<Quote> lastQuotes, bool open)
    {
        lock (_gate)
        {
            simulator.ContinueFrom(lastQuotes, open);
        }
    }

    /// <summary>Publishes every instrument's current state, so the cache has a snapshot before the first tick.</summary>
    public void PublishSnapshot()
    {
        lock (_gate)
        {
            if (outlet.IsProducing)
            {
                outlet.Publish(simulator.Snapshot(Now()));
            }
        }
    }

    /// <summary>One tick: a quote per instrument that traded (every one without a trade rate) while the market is open.</summary>
    public IReadOnlyList<Quote> Tick()
    {
        lock (_gate)
        {
            if (!outlet.IsProducing)
            {
                return [];
            }
            var quotes = simulator.Tick(Now());
            outlet.Publish(quotes);
            return quotes;
        }
    }

    /// <summary>Opens (or rolls) the session and tells clients.</summary>
    public void OpenSession()
    {
        lock (_gate)
        {
            if (!outlet.IsProducing)
            {
                return;
            }
            var now = Now();
            outlet.Publish(simulator.OpenSession(now));
            outlet.PublishSession(new SessionEvent { State = SessionState.Open, At = now });
        }
    }

    /// <summary>Closes the session and tells clients; nothing trades until it opens again.</summary>
    public void CloseSession()
    {
        lock (_gate)
        {
            if (!simulator.IsOpen || !outlet.IsProducing)
            {
                return;
            }
            var now = Now();
            outlet.Publish(simulator.CloseSession(now));
            outlet.PublishSession(new SessionEvent { State = SessionState.Closed, At = now });
        }
    }

    // Quotes carry whole milliseconds, so what the wire carries is exactly what was made.
    private DateTime Now()
    {
        var ticks = time.GetUtcNow().UtcTicks;
        return new DateTime(ticks - ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
    }
}
