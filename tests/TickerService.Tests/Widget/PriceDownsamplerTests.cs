using TickerService.Server.Widget;

namespace TickerService.Tests.Widget;

/// <summary>A session of any length comes down to a bounded number of points that keep its shape.</summary>
public sealed class PriceDownsamplerTests
{
    [Fact]
    public void ALongSessionIsBoundedAndKeepsItsExtremesAndItsLastPrice()
    {
        // A day at four ticks a second, with one spike up and one down in the middle of it.
        const long day = 24 * 3600 * 1000;
        var sampler = new PriceDownsampler(150);
        var count = 0;
        for (long t = 0; t < day; t += 250, count++)
        {
            var price = t == 40_000_000 ? 99.0 : t == 50_000_000 ? 1.0 : 50 + Math.Sin(t / 1e7);
            sampler.Add(t, price);
        }
        sampler.Add(day, 42.0);

        var points = sampler.Points();

        Assert.True(count > 300_000);
        Assert.InRange(points.Length, 75, 150);
        Assert.Contains(points, p => p[0] == 40_000_000 && p[1] == 99.0);
        Assert.Contains(points, p => p[0] == 50_000_000 && p[1] == 1.0);
        Assert.Equal([day, 42.0], points[^1]);
        Assert.Equal(points.Select(p => p[0]).Order(), points.Select(p => p[0]));
    }

    [Fact]
    public void AShortSessionKeepsEveryPoint()
    {
        var sampler = new PriceDownsampler(200);
        double[][] added = [[0, 10], [2_500, 10], [5_000, 11], [7_500, 9.5], [10_000, 9.5]]; // flat runs keep their times too
        foreach (var point in added)
        {
            sampler.Add((long)point[0], point[1]);
        }

        Assert.Equal(added, sampler.Points());
    }

    [Fact]
    public void NoQuotesNoPoints() => Assert.Empty(new PriceDownsampler(10).Points());
}
