using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using TickerService.Configuration;
using TickerService.Json;
using TickerService.Market;

namespace TickerService.Tests.Hub;

/// <summary>
/// <see cref="QuoteJsonWriter"/> writes what System.Text.Json writes for a quote with SignalR's
/// payload options, byte for byte: prices of every tick the service knows, any double at all,
/// and names that need escaping.
/// </summary>
public sealed class QuoteJsonWriterTests
{
    private static readonly JsonSerializerOptions Payload = new JsonHubProtocolOptions().PayloadSerializerOptions;

    public static TheoryData<double> Ticks() => [0.01, 0.0001, 0.25, 0.5, 1, 0.05, 0.001, 0.00000001, 5, 0.125, 1.0 / 3];

    [Theory]
    [MemberData(nameof(Ticks))]
    public void WholeTicksPrintAsTheWriterPrintsThem(double tick)
    {
        var random = new Random(11);
        var scale = new TickScale((decimal)tick);
        var fast = 0;
        for (var i = 0; i < 200_000; i++)
        {
            // Small and large counts of ticks, either sign: prices, changes, and their extremes.
            var ticks = (long)(Math.Pow(10, random.NextDouble() * 15) * (random.Next(2) == 0 ? 1 : -1));
            fast += AssertSame(scale.ToPrice(ticks)) ? 1 : 0;
        }
        // The fast path is taken for decimal ticks (below 1e-4 .NET prints an exponent: the writer's);
        // a tick of a third gives mostly prices with no short decimal, left to the writer.
        Assert.True(tick == 1.0 / 3 || fast > 100_000, $"{fast} of 200,000 on the fast path");
    }

    [Fact]
    public void AnyDoubleAtAllPrintsAsTheWriterPrintsIt()
    {
        var random = new Random(13);
        double[] edges = [0, -0.0, 1e-4, 9.99999e-5, 1e-5, 9.99999e-6, 1e-6, 1e15, 1e15 - 1, 999999999999999.9, 1e16, 0.1 + 0.2, double.Epsilon, double.MaxValue, double.MinValue, 123456789012345.6, 12345678901234.56, 0.30000000000000004];
        foreach (var value in edges)
        {
            AssertSame(value);
        }
        for (var i = 0; i < 200_000; i++)
        {
            var bits = BitConverter.Int64BitsToDouble(random.NextInt64());
            AssertSame(double.IsFinite(bits) ? bits : 1);
            AssertSame(Math.Round((random.NextDouble() - 0.5) * 200, 2, MidpointRounding.AwayFromZero));
            AssertSame((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-8, 16)));
        }
    }

    [Fact]
    public void QuotesOfAMillionTicksAndNamesThatNeedEscapingAreWhatTheSerializerWrites()
    {
        var market = new MarketSimulator(new InstrumentCatalog([.. DefaultInstruments.All, .. SyntheticInstruments.Generate(100)]), TimeSpan.FromMilliseconds(250), seed: 3);
        string[] names = ["S&P 500", "Café <b>Crème</b>", "\"Quoted\" \\ back", "日本 ☃ 🚀", "tab\tnew\nline", "'apostrophe' +plus"];
        var at = new DateTime(2026, 12, 2, 9, 30, 0, 7, DateTimeKind.Utc);
        var written = 0;
        for (var tick = 0; written < 1_000_000; tick++)
        {
            foreach (var quote in market.Tick(at.AddMilliseconds(250 * tick)))
            {
                var q = written % 50 == 0 ? quote with { Name = names[written / 50 % names.Length] } : quote;
                Assert.Equal(JsonSerializer.Serialize(q, Payload), HandWritten(q));
                written++;
            }
        }
    }

    [Fact]
    public void SignalRsDefaultOptionsMatchAndOthersDoNot()
    {
        Assert.True(QuoteJsonWriter.Matches(Payload));
        Assert.True(QuoteJsonWriter.Matches(new JsonSerializerOptions(JsonSerializerDefaults.Web)));
        Assert.False(QuoteJsonWriter.Matches(new JsonSerializerOptions()));
        Assert.False(QuoteJsonWriter.Matches(new JsonSerializerOptions(Payload) { WriteIndented = true }));
        Assert.False(QuoteJsonWriter.Matches(new JsonSerializerOptions(Payload) { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.WriteAsString }));
        Assert.False(QuoteJsonWriter.Matches(new JsonSerializerOptions(Payload) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault }));
    }

    // True when the fast path took the value (and printed it as the writer does).
    private static bool AssertSame(double value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteNumberValue(value);
        }
        Span<byte> digits = stackalloc byte[32];
        if (QuoteJsonWriter.TryFormatPrice(value, digits, out var length))
        {
            Assert.True(buffer.WrittenSpan.SequenceEqual(digits[..length]),
                $"{value:R}: the writer prints {Encoding.UTF8.GetString(buffer.WrittenSpan)}, the fast path {Encoding.UTF8.GetString(digits[..length])}");
            return true;
        }
        return false;
    }

    private static string HandWritten(Quote quote)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Payload.Encoder }))
        {
            QuoteJsonWriter.Write(writer, quote);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
