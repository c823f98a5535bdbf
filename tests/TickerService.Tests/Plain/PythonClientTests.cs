using System.Diagnostics;
using System.Text.Json;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Plain;

/// <summary>
/// The README's Python client (python/ws_client.py, Debian's python3-websockets) against the real
/// server. Skipped with the reason where the module is missing; CI (CI=true) must have it.
/// </summary>
public sealed class PythonClientTests : IAsyncLifetime
{
    private readonly TickerServer _server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [SkippableFact]
    public async Task ThePythonClientGetsTheSnapshotThenQuotes()
    {
        RequireWebsockets();
        var script = Path.Combine(Repository.Root, "tests", "TickerService.Tests", "python", "ws_client.py");
        var url = PlainSocket.Url(_server).ToString();
        using var python = Process.Start(new ProcessStartInfo(Python, [script, url, "XOM,CVX"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;

        var snapshot = JsonDocument.Parse(await python.StandardOutput.ReadLineAsync().WaitAsync(TickerServer.Timeout) ?? "null").RootElement;
        Assert.Equal("snapshot", snapshot.GetProperty("type").GetString());
        Assert.Equal(["XOM", "CVX"], snapshot.GetProperty("quotes").EnumerateArray().Select(q => q[0].GetString()));

        var ticked = _server.Market.Tick();
        var quotes = JsonDocument.Parse(await python.StandardOutput.ReadLineAsync().WaitAsync(TickerServer.Timeout) ?? "null").RootElement;
        Assert.Equal("quotes", quotes.GetProperty("type").GetString());
        Assert.Equal(ticked.Single(q => q.Symbol == "XOM").Sequence, quotes.GetProperty("quotes")[0][1].GetInt64());

        await python.WaitForExitAsync().WaitAsync(TickerServer.Timeout);
        Assert.True(python.ExitCode == 0, await python.StandardError.ReadToEndAsync());
    }

    // Debian's own Python, where python3-websockets installs; a pyenv or venv python3 first on the PATH may lack it.
    private static string Python => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    private static void RequireWebsockets()
    {
        using var check = Process.Start(new ProcessStartInfo(Python, ["-c", "import websockets"]) { RedirectStandardError = true })!;
        check.WaitForExit();
        if (check.ExitCode != 0)
        {
            Assert.False(Chromium.InCi, "python3-websockets is missing; CI must install it (apt-get install -y python3-websockets).");
            Skip.If(true, "python3-websockets is not installed (apt-get install -y python3-websockets).");
        }
    }
}
