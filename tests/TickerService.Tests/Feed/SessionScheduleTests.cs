using TickerService.Configuration;
using TickerService.Server.Feed;

namespace TickerService.Tests.Feed;

public sealed class SessionScheduleTests
{
    private static readonly SessionSchedule NewYork = new(new MarketSessionOptions
    {
        OpenCron = "0 30 9 ? * MON-FRI",
        CloseCron = "0 0 16 ? * MON-FRI",
        TimeZone = "America/New_York",
    });

    [Theory]
    [InlineData("2026-11-27T14:29:59Z", false)] // Friday 09:29:59 in New York
    [InlineData("2026-11-27T14:30:00Z", true)]
    [InlineData("2026-11-27T20:59:59Z", true)]
    [InlineData("2026-11-27T21:00:00Z", false)]
    [InlineData("2026-11-28T17:00:00Z", false)] // Saturday
    [InlineData("2026-07-01T13:45:00Z", true)]  // 09:45 EDT in summer
    public void AnExchangeScheduleIsOpenOnlyInTradingHours(string utc, bool open)
    {
        Assert.Equal(open, NewYork.IsOpenAt(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void TheDefaultScheduleIsAlwaysOpen()
    {
        var schedule = new SessionSchedule(new MarketSessionOptions());

        Assert.True(schedule.IsOpenAt(new DateTimeOffset(2026, 11, 29, 3, 0, 0, TimeSpan.Zero)));
        Assert.Null(schedule.Close);
    }
}
