using Microsoft.AspNetCore.SignalR;

namespace TickerService.Server.Hub;

/// <summary>
/// One message, already serialized in each wire format its recipients use: what an outbox
/// writes. Shared by every connection that gets the same thing, so it is built once however many
/// of them there are.
/// </summary>
internal sealed class OutgoingMessage
{
    private readonly byte[]?[] _bytes;

    public OutgoingMessage(byte[]?[] bytesByFormat, IReadOnlyList<WireFormat> formats)
    {
        _bytes = bytesByFormat;
        var serialized = new List<SerializedMessage>(2);
        foreach (var format in formats)
        {
            if (format.HubProtocolName is { } protocol && bytesByFormat[format.Index] is { } bytes)
            {
                serialized.Add(new SerializedMessage(protocol, bytes));
            }
        }
        // SignalR writes a SerializedHubMessage's bytes for the connection's protocol as they are.
        Hub = new SerializedHubMessage(serialized);
    }

    /// <summary>The message for SignalR connections, in each hub protocol it was built for.</summary>
    public SerializedHubMessage Hub { get; }

    /// <summary>The bytes in <paramref name="format"/>; empty when it was not built for that format.</summary>
    public ReadOnlyMemory<byte> For(WireFormat format) => _bytes[format.Index];

    /// <summary>A message built for one connection alone, in its own format.</summary>
    public static OutgoingMessage Single(WireFormat format, byte[] bytes, IReadOnlyList<WireFormat> formats)
    {
        var bytesByFormat = new byte[]?[formats.Count];
        bytesByFormat[format.Index] = bytes;
        return new OutgoingMessage(bytesByFormat, formats);
    }
}
