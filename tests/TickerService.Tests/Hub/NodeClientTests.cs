using System.Diagnostics;
using System.Text.Json;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Hub;

/// <summary>A client outside .NET: Node with the npm <c>@microsoft/signalr</c> package (tests/TickerService.Tests/node).</summary>
public sealed class NodeClientTests : IAsyncLifetime
{
    private readonly TickerServer _server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ANodeClientSubscribesReceivesUpdatesAndGetsClearErrors()
    {
        var folder = Path.Combine(Repository.Root, "tests", "TickerService.Tests", "node");
        var start = new ProcessStartInfo("node", ["client.mjs", _server.HubUrl.ToString()])
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var node = Process.Start(start)!;
        try
        {
            var instruments = await NextEvent(node, "instruments");
            Assert.Contains(instruments.EnumerateArray(), i => i.GetProperty("symbol").GetString() == "XOM");

            var snapshot = await NextEvent(node, "snapshot");
            Assert.Equal(["XOM", "CVX"], snapshot.EnumerateArray().Select(q => q.GetProperty("symbol").GetString()));
            Assert.Equal(57.81, snapshot[0].GetProperty("open").GetDouble());

            var error = await NextEvent(node, "error");
            Assert.Contains("Unknown symbol(s): FOO, BAR", error.GetString());
            await NextEvent(node, "ready");

            var ticked = _server.Market.Tick();
            var quotes = await NextEvent(node, "quotes");
            Assert.Equal(["XOM", "CVX"], quotes.EnumerateArray().Select(q => q.GetProperty("symbol").GetString()));
            var xom = ticked.Single(q => q.Symbol == "XOM");
            Assert.Equal(xom.Sequence, quotes[0].GetProperty("sequence").GetInt64());
            Assert.Equal(xom.Buy, quotes[0].GetProperty("buy").GetDouble());

            await node.StandardInput.WriteLineAsync("stop");
            await node.StandardInput.FlushAsync();
            await NextEvent(node, "stopped");
            await node.WaitForExitAsync().WaitAsync(TickerServer.Timeout);
            Assert.Equal(0, node.ExitCode);
        }
        finally
        {
            if (!node.HasExited)
            {
                node.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task<JsonElement> NextEvent(Process node, string expected)
    {
        while (true)
        {
            var line = await node.StandardOutput.ReadLineAsync().WaitAsync(TickerServer.Timeout);
            if (line is null)
            {
                var stderr = await node.StandardError.ReadToEndAsync();
                Assert.Fail($"node exited before '{expected}': {stderr}");
            }
            var message = JsonDocument.Parse(line).RootElement;
            if (message.GetProperty("event").GetString() == expected)
            {
                return message.GetProperty("data").Clone();
            }
        }
    }
}
