using MessagePack;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;
using TickerService.Configuration;
using TickerService.Market;
using TickerService.Server.Hub;

namespace TickerService.Tests.Hub;

/// <summary>What other languages' clients see on the wire: MessagePack carries the JSON names, prices as numbers.</summary>
public sealed class WireFormatTests
{
    private static readonly Quote Xom = new MarketSimulator(new InstrumentCatalog(DefaultInstruments.All), TimeSpan.FromMilliseconds(250), 1)
        .Snapshot(new DateTime(2026, 11, 27, 15, 4, 5, 60, DateTimeKind.Utc))[0];

    [Fact]
    public void MessagePackQuotesUseCamelCaseKeysNumbersAndATimestamp()
    {
        var protocol = new MessagePackHubProtocol(Options.Create(new MessagePackHubProtocolOptions()));
        var bytes = protocol.GetMessageBytes(new InvocationMessage(ClientMethods.Quotes, [new[] { Xom }]));

        // Skip SignalR's length prefix (a varint), then read the invocation: [type, headers, id, target, arguments, streamIds].
        var span = bytes.Span;
        var prefix = 0;
        while ((span[prefix] & 0x80) != 0)
        {
            prefix++;
        }
        var reader = new MessagePackReader(bytes[(prefix + 1)..]);
        Assert.Equal(6, reader.ReadArrayHeader());
        Assert.Equal(1, reader.ReadInt32());
        reader.Skip();
        reader.Skip();
        Assert.Equal("quotes", reader.ReadString());
        Assert.Equal(1, reader.ReadArrayHeader());
        Assert.Equal(1, reader.ReadArrayHeader());

        var fields = new Dictionary<string, object?>();
        var count = reader.ReadMapHeader();
        for (var i = 0; i < count; i++)
        {
            var key = reader.ReadString()!;
            fields[key] = reader.NextMessagePackType switch
            {
                MessagePackType.Float => reader.ReadDouble(),
                MessagePackType.Integer => reader.ReadInt64(),
                MessagePackType.String => reader.ReadString(),
                MessagePackType.Extension => reader.ReadDateTime(),
                var other => throw new InvalidOperationException($"{key} is a {other}"),
            };
        }

        Assert.Equal(16, fields.Count);
        Assert.Equal("XOM", fields["symbol"]);
        Assert.Equal(57.81, fields["open"]);
        Assert.IsType<double>(fields["buy"]);
        Assert.IsType<double>(fields["sell"]);
        Assert.IsType<long>(fields["volume"]);
        Assert.Equal(new DateTime(2026, 11, 27, 15, 4, 5, 60, DateTimeKind.Utc), fields["timestamp"]);
    }

    [Fact]
    public void JsonTimestampsAlwaysCarryMilliseconds()
    {
        var json = System.Text.Json.JsonSerializer.Serialize(Xom with { Timestamp = new DateTime(2026, 11, 27, 15, 4, 5, DateTimeKind.Utc) });

        Assert.Contains("\"timestamp\":\"2026-11-27T15:04:05.000Z\"", json.Replace("Timestamp", "timestamp"));
    }
}
