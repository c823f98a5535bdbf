using Microsoft.Extensions.Options;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Feed;

public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("Ticker:Session:OpenCron", "every morning", "Ticker:Session:OpenCron 'every morning' is not a Quartz cron expression")]
    [InlineData("Ticker:Session:TimeZone", "Mars/Olympus", "Ticker:Session:TimeZone 'Mars/Olympus' is not a known time zone id")]
    [InlineData("Ticker:Feed:TickInterval", "00:00:00.001", "Ticker:Feed:TickInterval is 00:00:00.0010000; it must be at least 10 ms.")]
    [InlineData("Ticker:Instruments:0:Symbol", "bad symbol", "Ticker:Instruments:0:Symbol")]
    public async Task ABadValueStopsStartUpAndNamesTheKey(string key, string value, string expected)
    {
        await using var server = new TickerServer().With("Ticker:Feed:Mode", "Simulator").With(key, value);
        if (key.StartsWith("Ticker:Instruments", StringComparison.Ordinal))
        {
            server.With("Ticker:Instruments:0:Name", "Bad").With("Ticker:Instruments:0:StartPrice", "10");
        }

        var error = Assert.ThrowsAny<Exception>(() => server.BaseAddress);

        var validation = error as OptionsValidationException ?? error.InnerException as OptionsValidationException;
        Assert.NotNull(validation);
        Assert.Contains(expected, validation.Message);
    }
}
