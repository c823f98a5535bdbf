using System.Net.Http.Json;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Feed;

public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("--Ticker:Session:OpenCron=every morning", "Ticker:Session:OpenCron 'every morning' is not a Quartz cron expression")]
    [InlineData("--Ticker:Session:TimeZone=Mars/Olympus", "Ticker:Session:TimeZone 'Mars/Olympus' is not a known time zone id")]
    [InlineData("--Ticker:Feed:TickInterval=00:00:00.001", "Ticker:Feed:TickInterval is 00:00:00.0010000; it must be at least 10 ms.")]
    [InlineData("--Ticker:Instruments:0:Symbol=bad symbol", "Ticker:Instruments:0:Symbol")]
    [InlineData("--Ticker:Feed:TickInterval=soon", "Ticker:Feed:TickInterval")]
    [InlineData("--Ticker:Feed:Mode=Replya", "Ticker:Feed:Mode")]
    [InlineData("--Ticker:Feed:Replay:Speed=5000000", "Ticker:Feed:Replay:Speed")]
    [InlineData("--Ticker:Recording:Provider=Mysql", "Ticker:Recording:Provider is 'Mysql'; it must be Sqlite or Postgres.")]
    [InlineData("--Ticker:Recording:Provider=Postgres", "Ticker:Recording:Provider is Postgres but Ticker:Recording:ConnectionString is empty")]
    // A real process: what an operator sees is its output and exit code.
    public async Task ABadSettingEndsTheProcessWithOneLineNamingTheKeyAndNoStackTrace(string setting, string expected)
    {
        using var database = new TempDatabase();
        string[] instrument = setting.Contains("Instruments", StringComparison.Ordinal)
            ? ["--Ticker:Instruments:0:Name=Bad", "--Ticker:Instruments:0:StartPrice=10"]
            : [];
        await using var child = ChildServer.Start([$"--Ticker:Recording:Path={database.Path}", .. instrument, setting]);

        var exitCode = await child.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, exitCode);
        var lines = child.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("TickerService cannot start: ", line);
        Assert.Contains(expected, line);
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
