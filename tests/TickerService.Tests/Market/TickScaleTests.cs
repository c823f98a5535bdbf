using System.Globalization;
using TickerService.Market;

namespace TickerService.Tests.Market;

public sealed class TickScaleTests
{
    [Theory]
    [InlineData("0.01", 5715, "57.15")]
    [InlineData("0.01", 5781, "57.81")]
    [InlineData("0.0001", 20850, "2.085")]
    [InlineData("0.001", 3215, "3.215")]
    [InlineData("0.25", 49, "12.25")]
    [InlineData("0.03", 301, "9.03")]
    [InlineData("0.01", -35, "-0.35")]
    public void WholeTicksPrintWithoutFloatNoise(string tick, long ticks, string expected)
    {
        var scale = new TickScale(decimal.Parse(tick, CultureInfo.InvariantCulture));

        Assert.Equal(expected, scale.ToPrice(ticks).ToString(CultureInfo.InvariantCulture));
    }
}
