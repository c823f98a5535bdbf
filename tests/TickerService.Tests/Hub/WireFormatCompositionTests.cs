using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;
using TickerService.Configuration;
using TickerService.Market;
using TickerService.Server.Hub;

namespace TickerService.Tests.Hub;

/// <summary>
/// The fan-out serializes each quote once and builds every connection's message from the pieces;
/// those messages must be exactly what SignalR's own protocols write for the same quotes.
/// </summary>
public sealed class WireFormatCompositionTests
{
    private static readonly IHubProtocol[] Protocols =
    [
        new JsonHubProtocol(Options.Create(new JsonHubProtocolOptions())),
        new MessagePackHubProtocol(Options.Create(new MessagePackHubProtocolOptions())),
    ];

    private static readonly WireFormats Formats = new(
        Protocols, Options.Create(new JsonHubProtocolOptions()), Options.Create(new MessagePackHubProtocolOptions()));

    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(200)]
    [InlineData(70_000)]
    public void AComposedMessageIsByteForByteWhatTheProtocolWrites(int count)
    {
        var batch = Quotes(Math.Min(count, 500));
        // Positions out of the batch, some repeated when asked for more than it holds, as a group would select them.
        var positions = Enumerable.Range(0, count).Select(i => (i * 7) % batch.Length).ToArray();
        var pieces = new QuotePieces(Formats.All.Count);
        pieces.Serialize(batch, [.. Enumerable.Range(0, batch.Length)], Formats.All, [.. batch.Select(_ => (1 << Formats.All.Count) - 1)]);

        foreach (var format in Formats.All)
        {
            var selected = positions.Select(p => batch[p]).ToArray();
            // The plain format (/ws, /sse) against its whole-message writer, which serializes the array in one go.
            var expected = format.HubProtocolName is null
                ? format.QuotesMessage(selected)
                : Protocols.Single(p => p.Name == format.HubProtocolName).GetMessageBytes(new InvocationMessage(ClientMethods.Quotes, [selected])).ToArray();
            var composed = new byte[format.QuotesMessageLength(positions.Length, pieces.LengthOf(format, positions))];
            format.WriteQuotesMessage(pieces, positions, composed);
            Assert.True(expected.Length == composed.Length, $"{format.HubProtocolName}: {expected.Length} bytes expected, {composed.Length} composed: {Convert.ToHexString(expected.AsSpan(0, Math.Min(40, expected.Length)))} vs {Convert.ToHexString(composed.AsSpan(0, Math.Min(40, composed.Length)))}");
            Assert.True(expected.AsSpan().SequenceEqual(composed), $"{format.HubProtocolName}: composed bytes differ from the protocol's");
        }
    }

    [Fact]
    public void NamesThatNeedEscapingComposeAsTheProtocolWrites()
    {
        string[] names = ["S&P 500", "Café <b>Crème</b>", "\"Quoted\" \\ back", "日本 ☃ 🚀", "tab\tnew\nline", "'apostrophe' +plus"];
        var batch = Quotes(names.Length).Select((q, i) => q with { Name = names[i] }).ToArray();
        var positions = Enumerable.Range(0, batch.Length).ToArray();
        var pieces = new QuotePieces(Formats.All.Count);
        pieces.Serialize(batch, positions, Formats.All, [.. batch.Select(_ => (1 << Formats.All.Count) - 1)]);

        foreach (var format in Formats.All)
        {
            var expected = format.HubProtocolName is null
                ? format.QuotesMessage(batch)
                : Protocols.Single(p => p.Name == format.HubProtocolName).GetMessageBytes(new InvocationMessage(ClientMethods.Quotes, [batch])).ToArray();
            var composed = new byte[format.QuotesMessageLength(positions.Length, pieces.LengthOf(format, positions))];
            format.WriteQuotesMessage(pieces, positions, composed);
            Assert.Equal(System.Text.Encoding.UTF8.GetString(expected), System.Text.Encoding.UTF8.GetString(composed));
        }
    }

    private static Quote[] Quotes(int count)
    {
        var instruments = SyntheticInstruments.Generate(count);
        var simulator = new MarketSimulator(new InstrumentCatalog(instruments), TimeSpan.FromMilliseconds(250), seed: 7);
        return simulator.Snapshot(new DateTime(2026, 12, 2, 9, 30, 0, 123, DateTimeKind.Utc));
    }
}
