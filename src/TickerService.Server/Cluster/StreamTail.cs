using StackExchange.Redis;
using TickerService.Market;
using TickerService.Pipelines;

namespace TickerService.Server.Cluster;

/// <summary>
/// The end of the quote stream: the last quote of every symbol, whether the last quote left the
/// market open, the id of the last entry and the timestamp of the last quotes published (where a
/// replay goes on from). A new leader continues from it; a node that joins fills its cache from it
/// and reads on after it.
/// </summary>
public sealed record StreamTail(IReadOnlyList<Quote> LastQuotes, bool? Open, string? LastId, DateTime? LastPublishedAt = null)
{
    private const int Page = 200;

    public static async Task<StreamTail> ReadAsync(IDatabase db, RedisKey stream, InstrumentCatalog catalog, int maxEntries)
    {
        var last = new Dictionary<string, Quote>(StringComparer.Ordinal);
        bool? open = null;
        string? lastId = null;
        DateTime? lastPublishedAt = null;
        RedisValue before = "+";
        var scanned = 0;
        // Newest first, a page at a time, until every symbol is found or the stream ends.
        while (last.Count < catalog.Count && scanned < maxEntries)
        {
            var entries = await db.StreamRangeAsync(stream, "-", before, Page, Order.Descending).ConfigureAwait(false);
            foreach (var raw in entries)
            {
                lastId ??= raw.Id;
                if (BusEntry.Read(raw) is { Quotes: { Length: > 0 } quotes })
                {
                    lastPublishedAt ??= quotes[^1].Timestamp;
                    for (var i = quotes.Length - 1; i >= 0; i--)
                    {
                        open ??= quotes[i].Session == SessionState.Open;
                        last.TryAdd(quotes[i].Symbol, quotes[i]);
                    }
                }
            }
            scanned += entries.Length;
            if (entries.Length < Page)
            {
                break;
            }
            before = "(" + entries[^1].Id;
        }
        // In catalog order, as a tick's batch is.
        var ordered = last.Values.OrderBy(q => catalog.TryGetIndex(q.Symbol, out var index) ? index : int.MaxValue).ToArray();
        return new StreamTail(ordered, open, lastId, lastPublishedAt);
    }
}
