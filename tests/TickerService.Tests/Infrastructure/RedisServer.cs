using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace TickerService.Tests.Infrastructure;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port in a temporary folder, without persistence,
/// for the cluster tests. It can be stopped and started again on the same port (an empty Redis, as
/// after a restart) and paused. A missing redis-server skips the test with the reason locally,
/// and fails it in CI (CI=true), as <see cref="Chromium"/> does for the browser.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    public const string Executable = "redis-server";

    private readonly string _folder;
    private Process? _process;

    private RedisServer(string folder, int port)
    {
        _folder = folder;
        Port = port;
    }

    public int Port { get; }

    /// <summary>A StackExchange.Redis connection string for it.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var path = Find();
        if (path is null)
        {
            Assert.False(Chromium.InCi, $"{Executable} is not installed; CI must install it (apt-get install -y redis-server).");
            Skip.If(true, $"{Executable} is not installed (apt-get install -y redis-server).");
        }
        var server = new RedisServer(TempFolder.Create(), TickerServer.FreePort());
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Starts it (again) on its port: an empty Redis, as after a restart without persistence.</summary>
    public async Task StartAgainAsync()
    {
        var start = new ProcessStartInfo(Find()!)
        {
            WorkingDirectory = _folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _folder })
        {
            start.ArgumentList.Add(argument);
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitUntilAnsweringAsync();
    }

    /// <summary>Stops it at once (SIGKILL by its process id): whatever it held is gone.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        _process = null;
    }

    /// <summary>Sends a raw command (inline protocol) and returns the first reply line.</summary>
    public async Task<string> CommandAsync(string command)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"));
        var buffer = new byte[4096];
        var read = await stream.ReadAsync(buffer);
        return Encoding.ASCII.GetString(buffer, 0, read).Split("\r\n")[0];
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        TempFolder.Delete(_folder);
    }

    // Its PING answer is the signal that it is up; until then the connection is refused.
    private async Task WaitUntilAnsweringAsync()
    {
        var deadline = DateTime.UtcNow + TickerServer.Timeout;
        while (true)
        {
            Assert.False(_process!.HasExited, "redis-server exited at start.");
            try
            {
                if (await CommandAsync("PING") == "+PONG")
                {
                    return;
                }
            }
            catch (SocketException)
            {
            }
            catch (IOException)
            {
            }
            Assert.True(DateTime.UtcNow < deadline, "redis-server did not answer PING in time.");
            await Task.Delay(20);
        }
    }

    private static string? Find()
    {
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Append("/usr/bin").Append("/usr/sbin"))
        {
            var candidate = Path.Combine(folder, Executable);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}
