namespace TickerService.Server.Hub;

internal static class ItemsExtensions
{
    /// <summary>Connection items are touched by concurrent hub calls of one connection; the lock keeps get-or-add whole.</summary>
    public static object GetOrAdd(this IDictionary<object, object?> items, object key, Func<object, object> create)
    {
        lock (items)
        {
            if (!items.TryGetValue(key, out var value) || value is null)
            {
                value = create(key);
                items[key] = value;
            }
            return value;
        }
    }
}
