using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace TickerService.Tests.Infrastructure;

/// <summary>
/// The built server as a real child process (<c>dotnet TickerService.Server.dll</c>), for what only a
/// process can show: a <c>kill -9</c> mid-recording, a SIGTERM.
/// </summary>
public sealed class ChildServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ChildServer(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }

    public int Id => _process.Id;

    public string Output => string.Join('\n', _output);

    public static ChildServer Start(params string[] settings) => Start(new Dictionary<string, string>(), settings);

    /// <summary>Starts the server with environment variables as well as command-line settings.</summary>
    public static ChildServer Start(IReadOnlyDictionary<string, string> environment, params string[] settings)
    {
        var port = TickerServer.FreePort();
        var dll = ServerDll();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        foreach (var argument in new[] { dll, "--urls", $"http://127.0.0.1:{port}", "--Logging:LogLevel:Default=Warning" }.Concat(settings))
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        return new ChildServer(process, new Uri($"http://127.0.0.1:{port}"));
    }

    /// <summary>Waits until the server answers /healthz.</summary>
    public async Task WaitUntilUpAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            Assert.False(_process.HasExited, $"The server exited: {Output}");
            try
            {
                if ((await http.GetAsync("/healthz")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            Assert.True(DateTime.UtcNow < deadline, $"The server did not come up: {Output}");
            await Task.Delay(50);
        }
    }

    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM, as a container runtime or systemd stops a service.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    private bool _disposed;

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    // The server built beside these tests: src/TickerService.Server/bin/<Configuration>/<tfm>/.
    private static string ServerDll()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testOutput.Name;
        var configuration = testOutput.Parent!.Name;
        var dll = Path.Combine(Repository.Root, "src", "TickerService.Server", "bin", configuration, framework, "TickerService.Server.dll");
        Assert.True(File.Exists(dll), $"Build the server first: {dll} is missing.");
        return dll;
    }
}
