using System.Globalization;
using TickerService.Server.Recording;

namespace TickerService.Tests.Registry;

/// <summary>
/// The fast paths of the price-bar parser (ISO timestamps read by position, prices by Sep's float
/// parser) must answer exactly what the general .NET parsers answer: the same instants, the same
/// prices, the same refusals.
/// </summary>
public sealed class PriceBarParsingTests
{
    public static TheoryData<string> Timestamps() =>
    [
        "2024-01-02T14:30:00Z", "2024-01-02 14:30:00", "2024-01-02T14:30Z", "2024-01-02T14:30",
        "2024-01-02T14:30:00.5Z", "2024-01-02T14:30:00.123Z", "2024-01-02T14:30:00.1234567Z",
        "2024-01-02T14:30:00-05:00", "2024-01-02T14:30:00+0530", "2024-01-02T00:30:00+01", "2024-12-31T23:59:59-14:00",
        "2024-02-29T12:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
        // refused by both, or left to the general parser
        "2023-02-29T12:00:00Z", "2024-13-01T00:00:00Z", "2024-01-32T00:00:00Z", "2024-01-02T24:00:00Z",
        "2024-01-02T14:60:00Z", "2024-01-02T14:30:60Z", "2024-01-02T14:30:00+15:00", "2024-01-02T14:30:00+01:60",
        "2024-01-02T14:30:00.Z", "2024-01-02T14:30:00.12345678Z", "2024-01-02T14:30:00Zjunk", "2024-01-02X14:30:00Z",
        "2024-1-02T14:30:00Z", "２０２４-01-02T14:30:00Z", "0001-01-01T00:30:00+01:00", "2024-01-02T14:30:00 +01:00",
    ];

    [Theory]
    [MemberData(nameof(Timestamps))]
    public void AnIsoTimestampReadByPositionIsTheInstantTheGeneralParserReads(string text)
    {
        var general = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at);

        if (IsoTimestamp.TryParse(text, out var utc))
        {
            Assert.True(general, $"'{text}' is read by position but refused by DateTimeOffset.TryParse");
            Assert.Equal(at.UtcDateTime, utc);
            Assert.Equal(DateTimeKind.Utc, utc.Kind);
        }
    }

    [Fact]
    public void TheShapesOfDownloadedFilesTakeTheFastPath()
    {
        foreach (var text in new[] { "2024-01-02T14:30:00Z", "2024-01-02 14:30:00", "2024-01-02T14:30:00.123-05:00", "2024-01-02T14:30" })
        {
            Assert.True(IsoTimestamp.TryParse(text, out _), text);
        }
    }

    [Theory]
    [InlineData("10.5")]
    [InlineData(" 10.5 ")]
    [InlineData("\"10.5\"")]
    [InlineData("1e1")]
    [InlineData("+10")]
    [InlineData("10.")]
    [InlineData(".5")]
    [InlineData("0.1234567890123456789")]
    [InlineData("123456789012345678901234567890")]
    [InlineData("\"1,000\"")]
    [InlineData("10abc")]
    [InlineData("1.5.5")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1e400")]
    [InlineData("-0")]
    [InlineData("0x10")]
    [InlineData("")]
    public void APriceIsReadAsDoubleParseReadsIt(string field)
    {
        var text = $"date,open,high,low,close\n2024-01-02,{field},1e300,1e-300,{field}\n";
        var unquoted = field.Trim('"').Trim();
        var expected = double.TryParse(unquoted, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && value > 0;

        List<PriceBar>? bars = null;
        var error = Record.Exception(() => bars = PriceBars.Read(text, "X", null, DateTime.MaxValue));

        if (expected)
        {
            Assert.Null(error);
            Assert.Equal(value, bars!.Single().Open);
        }
        else
        {
            Assert.Equal("open", Assert.IsType<RecordingFormatException>(error).Field);
        }
    }
}
