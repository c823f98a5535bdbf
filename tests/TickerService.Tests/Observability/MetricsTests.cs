using System.Text.RegularExpressions;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Observability;

// OpenTelemetry listens to every meter of a name in the process: with other test servers running,
// their counters would show here too. Alone, this server's are the only ones.
[Collection(Isolated.Name)]
public sealed class MetricsTests : IAsyncLifetime
{
    private readonly TickerServer _server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task PrometheusScrapesTheFeedTheBroadcastAndTheConnections()
    {
        await using var client = await _server.ConnectAsync();
        await client.SubscribeAsync("XOM", "CVX");
        var ticked = _server.Market.Tick();
        await client.NextBatchAsync();
        Assert.True(await _server.Recorder.FlushAsync(CancellationToken.None));
        using var http = _server.Http();

        var text = await http.GetStringAsync("/metrics");

        // The opening snapshot and one tick were published; two of them went to the one client.
        Assert.Equal(2 * ticked.Count, Value(text, "ticker_quotes_published_total"));
        Assert.Equal(2, Value(text, "ticker_quotes_delivered_total"));
        Assert.Equal(1, Value(text, "ticker_connections"));
        Assert.Equal(2, Value(text, "ticker_subscriptions"));
        Assert.True(Value(text, "ticker_broadcast_latency_milliseconds_count") >= 1);
        Assert.Equal(2 * ticked.Count, Value(text, "ticker_recorder_written_total"));
        Assert.Equal(0, Value(text, "ticker_recorder_queued"));
        Assert.Equal(0, Value(text, "ticker_recorder_failing"));
    }

    private static double Value(string exposition, string name)
    {
        var match = Regex.Match(exposition, $@"^{name}(\{{[^}}]*\}})? (\S+)", RegexOptions.Multiline);
        Assert.True(match.Success, $"{name} is not in /metrics:\n{exposition[..Math.Min(3000, exposition.Length)]}");
        return double.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
