using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Protocol;
using TickerService.Market;

namespace TickerService.Server.Hub;

/// <summary>
/// SignalR's JSON protocol: <c>{"type":1,"target":"quotes","arguments":[[q,q,...]]}</c> and the
/// record separator, byte for byte what <see cref="JsonHubProtocol"/> writes for the same message,
/// with each quote serialized by the protocol's own payload options.
/// </summary>
internal sealed class JsonHubFormat(int index, IHubProtocol protocol, JsonSerializerOptions payloadOptions) : JsonArrayFormat(index, payloadOptions)
{
    protected override ReadOnlySpan<byte> Head => "{\"type\":1,\"target\":\"quotes\",\"arguments\":[["u8;

    protected override ReadOnlySpan<byte> Tail => "]]}\u001e"u8;

    public override string HubProtocolName => protocol.Name;

    public override byte[] QuotesMessage(Quote[] quotes) =>
        protocol.GetMessageBytes(new InvocationMessage(ClientMethods.Quotes, [quotes])).ToArray();

    public override byte[] SessionMessage(SessionEvent session) =>
        protocol.GetMessageBytes(new InvocationMessage(ClientMethods.Session, [session])).ToArray();
}
