using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace TickerService.Tests.Infrastructure;

/// <summary>
/// A real nginx running the shipped <c>deploy/nginx.conf</c> in front of test nodes, in a temporary
/// folder (prefix, pid, temp paths and the rendered configuration all inside it) on a free loopback
/// port. The configuration is the shipped one with only the upstream's servers, the listen address
/// and the folder's paths changed (<see cref="Render"/>), so what the tests show holds for the file
/// that compose.yaml mounts. A missing nginx skips the test with the reason locally and fails it in
/// CI (CI=true), as <see cref="RedisServer"/> does.
/// </summary>
public sealed partial class NginxServer : IAsyncDisposable
{
    public const string Executable = "nginx";

    private readonly string _folder;
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private NginxServer(string folder, int port, Process process)
    {
        _folder = folder;
        _process = process;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }

    /// <summary>Its access log (which node each request went to) and error log, for a failing test's message.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>The configuration compose.yaml mounts.</summary>
    public static string ShippedConfigurationPath => Path.Combine(Repository.Root, "deploy", "nginx.conf");

    public static async Task<NginxServer> StartAsync(params Uri[] nodes)
    {
        var path = Find();
        if (path is null)
        {
            Assert.False(Chromium.InCi, $"{Executable} is not installed; CI must install it (apt-get install -y nginx).");
            Skip.If(true, $"{Executable} is not installed (apt-get install -y nginx).");
        }
        var folder = TempFolder.Create();
        var port = TickerServer.FreePort();
        var configuration = Path.Combine(folder, "nginx.conf");
        await File.WriteAllTextAsync(configuration, Render(await File.ReadAllTextAsync(ShippedConfigurationPath), nodes, port, folder));

        var start = new ProcessStartInfo(path!)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // In the foreground as this process's child (its pid is the master's), its own pid file,
        // and errors on stderr from the first line (before the configuration names a log).
        foreach (var argument in new[] { "-p", folder + "/", "-c", configuration, "-e", "stderr", "-g", $"daemon off; pid {folder}/nginx.pid;" })
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("nginx did not start.");
        var server = new NginxServer(folder, port, process);
        await server.WaitUntilListeningAsync();
        return server;
    }

    /// <summary>
    /// The shipped configuration for these nodes on this port: its <c>server nodeN:8080 ...;</c>
    /// lines become one line per node with the same parameters, <c>listen 80;</c> becomes the
    /// loopback port, and the http block gets temp paths inside <paramref name="folder"/>.
    /// </summary>
    public static string Render(string shipped, IReadOnlyList<Uri> nodes, int port, string folder)
    {
        var servers = UpstreamServer().Matches(shipped);
        Assert.True(servers.Count > 0, "deploy/nginx.conf has no `server nodeN:8080 ...;` line in its upstream.");
        var parameters = servers[0].Groups["parameters"].Value;
        Assert.All(servers, s => Assert.Equal(parameters, s.Groups["parameters"].Value));
        var indent = servers[0].Groups["indent"].Value;
        var ours = string.Join('\n', nodes.Select(node => $"{indent}server {node.Host}:{node.Port}{parameters};"));

        var rendered = new StringBuilder(shipped);
        rendered.Remove(servers[0].Index, servers[^1].Index + servers[^1].Length - servers[0].Index);
        rendered.Insert(servers[0].Index, ours);
        var text = rendered.ToString();

        Assert.Single(Listen().Matches(text));
        text = Listen().Replace(text, m => $"{m.Groups["indent"].Value}listen 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)};");

        // Debian's nginx keeps its temp files under /var/lib/nginx; these are the test's own. Workers
        // run as another user when the tests run as root: let them write there.
        var temp = new[] { "client_body", "proxy", "fastcgi", "uwsgi", "scgi" }.Select(kind =>
        {
            var path = Path.Combine(folder, "temp", kind);
            Directory.CreateDirectory(path);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, (UnixFileMode)0x1FF);
            }
            return $"    {kind}_temp_path {path};";
        });
        Assert.Single(HttpBlock().Matches(text));
        return HttpBlock().Replace(text, m => m.Value + "\n" + string.Join('\n', temp));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // The master and its workers, by their process ids.
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        TempFolder.Delete(_folder);
    }

    // Accepting connections on its port is the signal that it is up; until then they are refused.
    private async Task WaitUntilListeningAsync()
    {
        var deadline = DateTime.UtcNow + TickerServer.Timeout;
        while (true)
        {
            Assert.False(_process.HasExited, $"nginx exited at start: {Output}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", BaseAddress.Port);
                return;
            }
            catch (SocketException)
            {
            }
            Assert.True(DateTime.UtcNow < deadline, $"nginx did not listen in time: {Output}");
            await Task.Delay(20);
        }
    }

    private static string? Find()
    {
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Append("/usr/sbin").Append("/usr/bin"))
        {
            var candidate = Path.Combine(folder, Executable);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    [GeneratedRegex(@"^(?<indent>[ \t]*)server\s+node\d+:\d+(?<parameters>[^;]*);[ \t]*$", RegexOptions.Multiline)]
    private static partial Regex UpstreamServer();

    [GeneratedRegex(@"^(?<indent>[ \t]*)listen\s+80;[ \t]*$", RegexOptions.Multiline)]
    private static partial Regex Listen();

    [GeneratedRegex(@"^http\s*\{[ \t]*$", RegexOptions.Multiline)]
    private static partial Regex HttpBlock();
}
