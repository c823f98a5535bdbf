using System.Net.Http.Json;
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

    [Fact]
    public async Task EnvironmentVariablesSetAnyKeyIncludingListsOfInstruments()
    {
        using var database = new TempDatabase();
        var environment = new Dictionary<string, string>
        {
            ["Ticker__Instruments__0__Symbol"] = "ALPHA",
            ["Ticker__Instruments__0__Name"] = "Alpha Energy",
            ["Ticker__Instruments__0__StartPrice"] = "12.5",
            ["Ticker__Instruments__0__TickSize"] = "0.05",
            ["Ticker__Feed__TickInterval"] = "00:00:00.050",
            ["Ticker__Limits__MaxSymbolsPerConnection"] = "1",
            ["Ticker__Recording__Path"] = database.Path,
        };
        await using var child = ChildServer.Start(environment);
        await child.WaitUntilUpAsync();
        using var http = new HttpClient { BaseAddress = child.BaseAddress, Timeout = TickerServer.Timeout };

        var instruments = await http.GetFromJsonAsync<TickerService.Market.Instrument[]>("/api/instruments");
        var first = await http.GetFromJsonAsync<TickerService.Market.Quote>("/api/quotes/ALPHA");
        await Eventually.TrueAsync(() => http.GetFromJsonAsync<TickerService.Market.Quote>("/api/quotes/ALPHA").Result!.Sequence > first!.Sequence + 5);

        var alpha = Assert.Single(instruments!);
        Assert.Equal(("ALPHA", "Alpha Energy", 0.05, 2), (alpha.Symbol, alpha.Name, alpha.TickSize, alpha.Decimals));
        Assert.Equal(12.5, first!.Open);
        await child.DisposeAsync();
    }
}
