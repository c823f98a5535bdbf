using Microsoft.Playwright;
using TickerService.Tests.Infrastructure;
using TickerService.Tests.Widget;
using Xunit.Abstractions;

namespace TickerService.Tests.Deploy;

/// <summary>
/// The node a client is on dies (kill -9) behind a real nginx running deploy/nginx.conf: nginx's
/// passive health check sends the client's reconnection to the other node, and its quotes go on.
/// Each test has its own two nodes, since it kills one.
/// </summary>
public sealed class NginxFailoverTests(Chromium chromium, ITestOutputHelper output) : IClassFixture<Chromium>
{
    private const string Symbol = "XOM";

    [SkippableFact]
    public async Task The_widget_loaded_through_nginx_keeps_painting_quotes_after_its_node_is_killed()
    {
        await using var cluster = await NginxCluster.StartAsync();
        await using var site = await EmbeddingSite.StartAsync(WidgetPageTests.Page(cluster.Nginx.BaseAddress, $"""<market-quote symbol="{Symbol}"></market-quote>"""));
        await using var browser = await chromium.NewPageAsync();
        var box = browser.Page.Locator("market-quote");
        await browser.Page.GotoAsync(site.Address.ToString());
        await WidgetPageTests.Live(box);
        var painted = await PaintedSequenceAsync(box);

        var survivor = await cluster.KillServingNodeAsync();
        output.WriteLine($"Killed the widget's node at sequence {painted}; {survivor} remains.");

        // New quotes, from the other node: a few ticks past the kill, shown live.
        await browser.Page.WaitForFunctionAsync("s => document.querySelector('market-quote').quote?.sequence > s", painted + 5);
        await WidgetPageTests.Live(box);
        Assert.Equal(survivor, await cluster.ServingNodeAsync());
        output.WriteLine(cluster.Nginx.Output.Split('\n').LastOrDefault(l => l.Contains("/hubs/", StringComparison.Ordinal)));
    }

    [SkippableFact]
    public async Task A_long_polling_client_through_nginx_keeps_receiving_after_its_node_is_killed()
    {
        await using var cluster = await NginxCluster.StartAsync();
        await using var client = await LongPollingClient.ConnectAsync(cluster.Nginx.BaseAddress, Symbol);
        await Eventually.TrueAsync(() => client.Sequences(Symbol).Length >= 3);
        var before = client.LastSequence(Symbol);

        var survivor = await cluster.KillServingNodeAsync();

        // The poll fails, the client reconnects through nginx to the survivor and subscribes again.
        await Eventually.TrueAsync(() => client.Reconnects >= 1 && client.LastSequence(Symbol) > before + 5, TimeSpan.FromSeconds(30));
        Assert.Equal(survivor, await cluster.ServingNodeAsync());
        var sequences = client.Sequences(Symbol);
        Assert.True(sequences.Zip(sequences.Skip(1)).All(p => p.Second > p.First), $"Sequences did not keep rising: {string.Join(",", sequences)}");
    }

    private static Task<long> PaintedSequenceAsync(ILocator box) => box.EvaluateAsync<long>("e => e.quote.sequence");
}
