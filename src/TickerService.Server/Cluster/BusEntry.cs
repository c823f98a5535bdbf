using System.Text.Json;
using StackExchange.Redis;
using TickerService.Market;

namespace TickerService.Server.Cluster;

/// <summary>
/// One entry of the quote stream: a tick's batch (kind <c>q</c>, the quotes as one JSON array,
/// the same JSON the hub sends), a session change (kind <c>s</c>) or, in replay mode, the start of
/// a pass (kind <c>f</c>: every node sends <c>feed</c> to its clients), with the epoch that wrote it
/// and the leader's clock at publishing (for the bus lag).
/// </summary>
public sealed record BusEntry(string Id, string Kind, long Epoch, long PublishedAtMs, Quote[]? Quotes, SessionEvent? Session)
{
    public const string QuotesKind = "q";
    public const string SessionKind = "s";
    public const string FeedKind = "f";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static BusEntry? Read(StreamEntry entry) =>
        Read(entry.Id!, name => entry[name]);

    /// <summary>From an XREAD reply's field list (name, value, name, value...).</summary>
    public static BusEntry? Read(string id, RedisResult[] fields) =>
        Read(id, name =>
        {
            for (var i = 0; i + 1 < fields.Length; i += 2)
            {
                if ((string?)fields[i] == name)
                {
                    return (RedisValue)fields[i + 1];
                }
            }
            return RedisValue.Null;
        });

    private static BusEntry? Read(string id, Func<string, RedisValue> field)
    {
        var kind = (string?)field("k");
        var data = field("d");
        if (kind is null || data.IsNull)
        {
            return null;
        }
        var epoch = (long)field("e");
        var at = (long)field("t");
        var bytes = (byte[])data!;
        return kind switch
        {
            QuotesKind => new BusEntry(id, kind, epoch, at, JsonSerializer.Deserialize<Quote[]>(bytes, Json), null),
            SessionKind => new BusEntry(id, kind, epoch, at, null, JsonSerializer.Deserialize<SessionEvent>(bytes, Json)),
            _ => new BusEntry(id, kind, epoch, at, null, null),
        };
    }
}
