using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using TickerService.Market;

namespace TickerService.Server.Hub;

/// <summary>
/// The connections subscribed to exactly the same symbols. They share one filtered batch and one
/// serialized message per protocol each tick, however many they are. Members are a copy-on-write
/// array: the broadcaster reads it without a lock while subscriptions change.
/// </summary>
internal sealed class SubscriberGroup(SymbolSet symbols)
{
    private ConnectionOutbox[] _members = [];

    public SymbolSet Symbols { get; } = symbols;

    public ConnectionOutbox[] Members => Volatile.Read(ref _members);

    // Add and Remove run under the broadcaster's registry lock.
    public void Add(ConnectionOutbox outbox) => Volatile.Write(ref _members, [.. _members, outbox]);

    public void Remove(ConnectionOutbox outbox) => Volatile.Write(ref _members, Array.FindAll(_members, m => m != outbox));

    /// <summary>The quotes of this tick this group asked for; the batch itself when it asked for all of them.</summary>
    public Quote[] Select(Quote[] batch, int[] indices)
    {
        var count = 0;
        foreach (var index in indices)
        {
            if (Symbols.Contains(index))
            {
                count++;
            }
        }
        if (count == batch.Length)
        {
            return batch;
        }
        var selected = new Quote[count];
        for (int i = 0, j = 0; j < count; i++)
        {
            if (Symbols.Contains(indices[i]))
            {
                selected[j++] = batch[i];
            }
        }
        return selected;
    }

    /// <summary>One message for every member; each protocol serializes it once, on first use, and caches the bytes.</summary>
    public static SerializedHubMessage Message(Quote[] quotes) =>
        new(new InvocationMessage(ClientMethods.Quotes, [quotes]));
}
