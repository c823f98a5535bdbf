using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;

namespace TickerService.Server.Hub;

/// <summary>
/// Every wire format the fan-out serves: SignalR's JSON and MessagePack protocols, with the
/// serializer options the hub was configured with, so a composed message is what SignalR itself
/// would have written. Plain WebSocket and SSE clients read <see cref="PlainJsonFormat"/>.
/// </summary>
internal sealed class WireFormats
{
    public WireFormats(
        IEnumerable<IHubProtocol> protocols,
        IOptions<JsonHubProtocolOptions> json,
        IOptions<MessagePackHubProtocolOptions> messagePack)
    {
        var all = new List<WireFormat>();
        foreach (var protocol in protocols)
        {
            // The hub's protocols come wrapped in the argument check; the bytes on the wire are the inner one's.
            var wire = protocol is ArgumentCheckingProtocol checking ? checking.Inner : protocol;
            all.Add(wire switch
            {
                JsonHubProtocol => new JsonHubFormat(all.Count, protocol, json.Value.PayloadSerializerOptions),
                MessagePackHubProtocol => new MessagePackHubFormat(all.Count, protocol, messagePack.Value.SerializerOptions),
                _ => throw new InvalidOperationException(
                    $"The quote fan-out composes messages for SignalR's JSON and MessagePack protocols only, not '{protocol.Name}'."),
            });
        }
        // Plain WebSocket and SSE clients (SPEC section 10): one serialization a quote for all of them.
        Plain = new PlainJsonFormat(all.Count, json.Value.PayloadSerializerOptions);
        all.Add(Plain);
        All = all;
    }

    /// <summary>The format of <c>/ws</c> and <c>/sse</c> clients.</summary>
    public PlainJsonFormat Plain { get; }

    public IReadOnlyList<WireFormat> All { get; }

    public WireFormat ForHubProtocol(string name) =>
        All.FirstOrDefault(f => f.HubProtocolName == name)
        ?? throw new InvalidOperationException($"No wire format for the hub protocol '{name}'.");
}
