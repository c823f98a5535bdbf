using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using TickerService.Pipelines;
using TickerService.Server.Hub;
using TickerService.Server.Recording;

namespace TickerService.Tests.Infrastructure;

/// <summary>
/// The real service on Kestrel, 127.0.0.1, a free port. Only infrastructure is swapped: the feed
/// is driven by the test (manual mode) with a pinned seed, unless a test asks for more.
/// </summary>
public class TickerServer : WebApplicationFactory<Program>
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly Dictionary<string, string?> _settings = new()
    {
        ["Ticker:Feed:Mode"] = "Manual",
        ["Ticker:Feed:Seed"] = "42",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    /// <param name="recordingPath">The SQLite file; null for a fresh one in a temp folder, removed with the server.</param>
    /// <param name="port">0 for a free port; a fixed one to restart a server where clients expect it.</param>
    public TickerServer(string? recordingPath = null, int port = 0)
    {
        // A real SQLite file in a folder of its own, removed with the server unless a test chose the path.
        if (recordingPath is null)
        {
            _ownedFolder = TempFolder.Create();
            recordingPath = Path.Combine(_ownedFolder, "ticker.db");
        }
        RecordingPath = recordingPath;
        _settings["Ticker:Recording:Path"] = recordingPath;
        UseKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, port));
    }

    /// <summary>A port that was free a moment ago, for a server that must come back on the same address.</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private readonly string? _ownedFolder;

    public string RecordingPath { get; }

    public QuoteRecorder Recorder => Services.GetRequiredService<QuoteRecorder>();

    public RecordingStore Store => Services.GetRequiredService<RecordingStore>();

    public QuoteFeed Feed => Services.GetRequiredService<QuoteFeed>();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
        if (_ownedFolder is not null)
        {
            TempFolder.Delete(_ownedFolder);
        }
    }

    private readonly List<Action<IServiceCollection>> _services = [];

    /// <summary>Swaps a service (the replay scheduler, the clock) before the server starts.</summary>
    public TickerServer WithServices(Action<IServiceCollection> configure)
    {
        _services.Add(configure);
        return this;
    }

    /// <summary>Records in this PostgreSQL database instead of the SQLite file; null: the SQLite file, unchanged.</summary>
    public TickerServer WithPostgres(string? connectionString) => connectionString is null
        ? this
        : With("Ticker:Recording:Provider", "Postgres").With("Ticker:Recording:ConnectionString", connectionString);

    /// <summary>Sets a configuration key before the server starts.</summary>
    public TickerServer With(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    // WebApplicationFactory starts its host lazily and without a lock: two threads touching a new
    // server at once (a feed task's first tick, a client's HubUrl) each built a host, and the
    // clients watched one whose feed never ticked.
    private readonly Lock _startGate = new();

    public override IServiceProvider Services
    {
        get
        {
            lock (_startGate)
            {
                return base.Services;
            }
        }
    }

    public Uri BaseAddress
    {
        get
        {
            lock (_startGate)
            {
                StartServer();
            }
            var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        }
    }

    public Uri HubUrl => new(BaseAddress, HubExtensions.Path);

    public SimulatedMarket Market => Services.GetRequiredService<SimulatedMarket>();

    public QuoteBroadcaster Broadcaster => Services.GetRequiredService<QuoteBroadcaster>();

    public HttpClient Http() => new() { BaseAddress = BaseAddress, Timeout = Timeout };

    /// <summary>A started .NET SignalR client on the given protocol ("json" or "messagepack").</summary>
    public async Task<QuoteClient> ConnectAsync(string protocol = "json")
    {
        var builder = new HubConnectionBuilder().WithUrl(HubUrl);
        if (protocol == "messagepack")
        {
            builder.AddMessagePackProtocol();
        }
        var client = new QuoteClient(builder.Build());
        await client.Connection.StartAsync().WaitAsync(Timeout);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureTestServices(services => _services.ForEach(configure => configure(services)));
    }
}
