using Microsoft.Extensions.Options;
using TickerService.Configuration;
using TickerService.Market;
using TickerService.Pipelines;
using TickerService.Server.Recording;

namespace TickerService.Server.Hub;

/// <summary>
/// Resume after a disconnect (SPEC 11), for the hub and <c>/ws</c> alike. No gap: the connection's
/// outbox holds every live quote (<see cref="ConnectionOutbox.Hold"/>) from before it is
/// subscribed until the recording has been read, and the recording is read with the recorder's
/// unflushed quotes under its flush gate. The recorder is a feed consumer registered before the
/// broadcaster, so a quote the fan-out sent before the subscription took effect was already
/// queued for the recording: recorded or held, every quote is one or the other. No repeat: held
/// quotes at or below the last sequence returned for their symbol are dropped, and so are live
/// ones (the outbox filters them after <see cref="ConnectionOutbox.Release"/>): the fan-out runs
/// behind the feed, so a quote read from the recorder's queue may reach the outbox only later.
/// </summary>
public sealed class QuoteResumer(
    InstrumentCatalog catalog,
    LastValueCache cache,
    QuoteBroadcaster broadcaster,
    QuoteRecorder recorder,
    RecordingStore store,
    RecordingOutage outage,
    IOptions<TickerOptions> options)
{
    private LimitOptions Limits => options.Value.Limits;

    /// <summary>The symbols a request names, checked as <c>Subscribe</c> checks them; <c>after</c> must name some of them.</summary>
    /// <exception cref="ClientRequestException">What is wrong with the request.</exception>
    public (SymbolSet Symbols, Dictionary<string, long> After) Check(IReadOnlyList<string?>? symbols, IReadOnlyDictionary<string, long>? after)
    {
        var requested = catalog.Resolve(symbols, Limits.MaxSymbolsPerConnection);
        var checkedAfter = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (raw, sequence) in after ?? new Dictionary<string, long>())
        {
            var symbol = raw.Trim().ToUpperInvariant();
            if (!catalog.TryGetIndex(symbol, out var index) || !requested.Contains(index))
            {
                throw new ClientRequestException($"\"after\" names {ClientText.Printable(raw, 20)}, which is not among the symbols asked for.");
            }
            if (sequence < 0)
            {
                throw new ClientRequestException($"\"after\" for {symbol} is {sequence}: a sequence is 0 or more.");
            }
            checkedAfter[symbol] = sequence;
        }
        return (requested, checkedAfter);
    }

    /// <summary>Subscribes the connection and returns what it missed, as described on the class.</summary>
    public async Task<ResumeResult> ResumeAsync(string connectionId, SymbolSet symbols, Dictionary<string, long> after, CancellationToken cancellationToken)
    {
        var outbox = broadcaster.Outbox(connectionId)
            ?? throw new InvalidOperationException($"Connection {connectionId} is not registered with the broadcaster.");
        outbox.Hold();
        List<Quote> held;
        List<Quote> quotes;
        var complete = true;
        var floor = new Dictionary<string, long>(StringComparer.Ordinal);
        var unread = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            broadcaster.Subscribe(connectionId, symbols, Limits.MaxSymbolsPerConnection);
            var missed = after.Count == 0
                ? []
                : recorder.Enabled
                    ? await recorder.ReadWithUnflushedAsync(unflushed => Missed(after, unflushed, unread), cancellationToken).ConfigureAwait(false)
                    : [];
            quotes = [];
            foreach (var index in symbols.Indices())
            {
                var symbol = catalog.Options[index].Symbol;
                var resumes = after.TryGetValue(symbol, out var last);
                var newest = cache.Get(index);
                if (resumes && newest is not null && newest.Sequence < last)
                {
                    // The client has seen sequences this server never made: they came from another
                    // recording (a server restarted on a fresh file). Nothing to resume from; its
                    // latest quote, as for a symbol without "after", and not complete: the client
                    // must drop what it knew of this symbol's sequence, or it would wait for
                    // sequence last + 1 for ever.
                    quotes.Add(newest);
                    floor[symbol] = newest.Sequence;
                    complete = false;
                }
                else if (resumes)
                {
                    var own = missed.GetValueOrDefault(symbol) ?? [];
                    // Without a recording nothing published meanwhile can be given back.
                    if (!recorder.Enabled && newest is not null && newest.Sequence > last)
                    {
                        complete = false;
                    }
                    quotes.AddRange(own);
                    floor[symbol] = own.Count > 0 ? own[^1].Sequence : last;
                }
                else if (newest is not null)
                {
                    quotes.Add(newest);
                    floor[symbol] = newest.Sequence;
                }
            }

            // Oldest first across symbols; beyond the limit the oldest are kept and the rest is a gap.
            quotes.Sort(OldestFirst);
            if (quotes.Count > Limits.MaxResumeQuotes)
            {
                quotes.RemoveRange(Limits.MaxResumeQuotes, quotes.Count - Limits.MaxResumeQuotes);
                complete = false;
            }
            foreach (var quote in quotes)
            {
                floor[quote.Symbol] = Math.Max(floor.GetValueOrDefault(quote.Symbol, long.MinValue), quote.Sequence);
            }
        }
        finally
        {
            // The fan-out runs behind the feed: a quote read above from the recorder's queue may
            // not have been fanned out yet, and would then come live too. The outbox drops those.
            held = outbox.Release(floor);
        }

        foreach (var quote in held)
        {
            if (quote.Sequence > floor.GetValueOrDefault(quote.Symbol, long.MinValue))
            {
                quotes.Add(quote);
                floor[quote.Symbol] = quote.Sequence;
            }
        }
        // Complete when each symbol's quotes, recorded then live, follow its "after" one by one.
        // (A quote the cache has but the recorder has not queued yet is still on its way to the
        // fan-out, so it arrives held or live: checking the cache here would call that a gap.)
        var expected = new Dictionary<string, long>(after, StringComparer.Ordinal);
        foreach (var quote in quotes)
        {
            if (expected.TryGetValue(quote.Symbol, out var previous))
            {
                complete &= quote.Sequence == previous + 1;
                expected[quote.Symbol] = quote.Sequence;
            }
        }
        // A symbol whose recording could not be read and that got nothing back: a gap if the feed
        // has gone past what the client saw (its next live quote would skip the missed ones).
        foreach (var symbol in unread)
        {
            if (expected[symbol] == after[symbol] && catalog.TryGetIndex(symbol, out var index) && cache.Get(index)?.Sequence > after[symbol])
            {
                complete = false;
            }
        }
        return new ResumeResult([.. quotes], complete);
    }

    // Timestamps carry whole milliseconds, so two ticks can share one: the sequence breaks the tie.
    // (Sort is not stable; tied on timestamp and symbol alone, a symbol's quotes came back out of order.)
    private static int OldestFirst(Quote a, Quote b) =>
        a.Timestamp != b.Timestamp ? a.Timestamp.CompareTo(b.Timestamp)
        : a.Sequence != b.Sequence ? a.Sequence.CompareTo(b.Sequence)
        : string.CompareOrdinal(a.Symbol, b.Symbol);

    // With the recording's database down the client still gets live quotes and the unflushed ones,
    // and the answer says it is not complete (the symbol is noted as unread).
    private List<Quote> ReadAfter(string symbol, long last, HashSet<string> unread)
    {
        try
        {
            return store.ReadAfter(symbol, last, Limits.MaxResumeQuotes + 1);
        }
        catch (Exception exception) when (outage.Explains(exception, "Resume"))
        {
            unread.Add(symbol);
            return [];
        }
    }

    // Flush gate held: the recording and the unflushed quotes together, per symbol, by sequence, one past the limit at most.
    private Dictionary<string, List<Quote>> Missed(Dictionary<string, long> after, IReadOnlyList<Quote> unflushed, HashSet<string> unread)
    {
        var missed = new Dictionary<string, List<Quote>>(StringComparer.Ordinal);
        foreach (var (symbol, last) in after)
        {
            var recorded = ReadAfter(symbol, last, unread);
            var top = recorded.Count > 0 ? recorded[^1].Sequence : last;
            foreach (var quote in unflushed)
            {
                if (quote.Symbol == symbol && quote.Sequence > top)
                {
                    recorded.Add(quote);
                    top = quote.Sequence;
                }
            }
            missed[symbol] = recorded;
        }
        return missed;
    }
}
