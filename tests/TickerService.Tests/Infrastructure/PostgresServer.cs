using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace TickerService.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL of the test class's own: <c>initdb</c> into a temporary folder owned by the
/// <c>postgres</c> user (the server refuses to run as root, and the tests run as root in CI), then
/// <c>pg_ctl start</c> on a free loopback port with its socket in that folder; stopped by the
/// process id in <c>postmaster.pid</c> (SIGQUIT: immediate shutdown) and removed on dispose. One
/// instance per test class (a class fixture, started on first use), a fresh database per test.
/// Missing PostgreSQL skips the test with the reason locally and fails it in CI (CI=true).
/// </summary>
/// <remarks>fsync and synchronous_commit are off: it starts and writes faster, and no test crashes
/// the machine or needs the data after an immediate shutdown (<see cref="Stop"/> is a fast one).</remarks>
public sealed class PostgresServer : IDisposable
{
    private readonly Lock _gate = new();
    private string? _folder;
    private int _port;
    private int _databases;

    /// <summary>A connection string to a new, empty database of this server (started on first call).</summary>
    public string CreateDatabase()
    {
        lock (_gate)
        {
            _folder ??= Start();
        }
        var name = $"t{Interlocked.Increment(ref _databases)}";
        using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE {name}";
            command.ExecuteNonQuery();
        }
        return ConnectionString(name);
    }

    public void Dispose()
    {
        if (_folder is null)
        {
            return;
        }
        NpgsqlConnection.ClearAllPools();
        Kill();
        TempFolder.Delete(_folder);
    }

    /// <summary>
    /// Stops the server for an outage: every connection is cut (a fast shutdown), what was committed
    /// is kept (an immediate one could lose the last commits, synchronous_commit being off);
    /// <see cref="Restart"/> brings it back on the same port.
    /// </summary>
    public void Stop() =>
        Run(Path.Combine(FindBin()!, "pg_ctl"), ["-D", Path.Combine(_folder!, "data"), "-m", "fast", "-w", "-t", "60", "stop"], asPostgres: true);

    // Immediate shutdown by the process id (SIGQUIT), for the end of the tests.
    private void Kill()
    {
        var pidFile = Path.Combine(_folder!, "data", "postmaster.pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).First(), CultureInfo.InvariantCulture, out var pid))
        {
            try
            {
                using var postmaster = Process.GetProcessById(pid);
                Run("kill", ["-QUIT", pid.ToString(CultureInfo.InvariantCulture)], asPostgres: false);
                Assert.True(postmaster.WaitForExit(TimeSpan.FromSeconds(30)), "PostgreSQL did not stop.");
            }
            catch (ArgumentException)
            {
                // Gone already.
            }
        }
    }

    /// <summary>Starts the server again after <see cref="Stop"/>, on its port and data (waits until it accepts connections).</summary>
    public void Restart() => StartServer(FindBin()!, _folder!);

    private string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={_port};Username=postgres;Database={database};Pooling=true;Timeout=15;Command Timeout=30";

    private string Start()
    {
        var bin = FindBin();
        if (bin is null)
        {
            Assert.False(Chromium.InCi, "PostgreSQL (initdb, pg_ctl) is not installed; CI must install it (apt-get install -y postgresql).");
            Skip.If(true, "PostgreSQL (initdb, pg_ctl) is not installed (apt-get install -y postgresql).");
        }
        var folder = TempFolder.Create();
        var data = Path.Combine(folder, "data");
        if (Environment.IsPrivilegedProcess)
        {
            Run("chown", ["postgres:", folder], asPostgres: false);
        }
        _port = TickerServer.FreePort();
        Run(Path.Combine(bin!, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions"], asPostgres: true);
        StartServer(bin!, folder);
        return folder;
    }

    // pg_ctl -w returns once the server accepts connections.
    private void StartServer(string bin, string folder) =>
        Run(Path.Combine(bin, "pg_ctl"),
            ["-D", Path.Combine(folder, "data"), "-l", Path.Combine(folder, "log"), "-w", "-t", "60", "-o",
                $"-p {_port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200", "start"],
            asPostgres: true);

    // As the postgres user when the tests run as root: PostgreSQL refuses to run as root.
    private static void Run(string executable, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres && Environment.IsPrivilegedProcess ? "runuser" : executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres && Environment.IsPrivilegedProcess)
        {
            foreach (var argument in new[] { "-u", "postgres", "--", executable })
            {
                start.ArgumentList.Add(argument);
            }
        }
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{executable} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(90)), $"{executable} did not finish in time.");
        Assert.True(process.ExitCode == 0, $"{executable} {string.Join(' ', arguments)} failed ({process.ExitCode}): {output.Result} {error.Result}");
    }

    // On PATH (this machine links them into /usr/local/bin), else Debian's versioned folder (CI).
    private static string? FindBin()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .FirstOrDefault(folder => folder.Length > 0 && File.Exists(Path.Combine(folder, "initdb")) && File.Exists(Path.Combine(folder, "pg_ctl")));
        if (onPath is not null)
        {
            return onPath;
        }
        return Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(version => Path.Combine(version, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "initdb")))
                .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
    }
}
