using System.Globalization;

namespace TickerService.LoadGenerator;

/// <summary>Command line: <c>--name value</c> pairs; see <see cref="Usage"/>.</summary>
public sealed class LoadOptions
{
    public const string Usage = """
        TickerService.LoadGenerator: N WebSocket clients against /hubs/quotes, a warm-up, then a measured window.

          --url URL              server base URL, loopback only (http://127.0.0.1:5000)
          --clients N            connections (100)
          --symbols LIST         comma-separated symbols, or * (*)
          --portfolio K          instead of --symbols: each client subscribes to K symbols drawn from
                                 the server's universe (seeded by --seed and the client's number)
          --shape S              with --portfolio: diverse (each client its own K, default) or
                                 identical (every client the K of client 0)
          --seed N               seed of the portfolios (1)
          --mode M               subscribe: invoke Subscribe, read `quotes` messages;
                                 stream: invoke the StreamQuotes stream, read its items (subscribe)
          --client C             raw: ClientWebSocket speaking SignalR JSON by hand (default);
                                 signalr: Microsoft.AspNetCore.SignalR.Client, SkipNegotiation + WebSockets;
                                 ws: the plain WebSocket /ws (SPEC 10), JSON text frames (subscribe mode only)
          --warmup S             seconds before the window (5)
          --duration S           seconds in the window (20)
          --stuck-percent P      percent of clients that stop reading when the window opens (0; raw only)
          --pid PID              the server's process id, for CPU and memory from /proc
          --label TEXT           name of the run in the output (the mode)
          --connect-parallel N   connects in flight at once (64)
          --json-out FILE        also append the JSON line to FILE
        """;

    public Uri Url { get; private init; } = new("http://127.0.0.1:5000");
    public int Clients { get; private init; } = 100;
    public string[] Symbols { get; private init; } = ["*"];
    public int Portfolio { get; private init; }
    public string Shape { get; private init; } = "diverse";
    public int Seed { get; private init; } = 1;
    public string Mode { get; private init; } = "subscribe";
    public string Client { get; private init; } = "raw";
    public double WarmupSeconds { get; private init; } = 5;
    public double DurationSeconds { get; private init; } = 20;
    public double StuckPercent { get; private init; }
    public int? Pid { get; private init; }
    public string Label { get; private init; } = "";
    public int ConnectParallel { get; private init; } = 64;
    public string? JsonOut { get; private init; }

    /// <summary>
    /// What client <paramref name="index"/> subscribes to: <see cref="Symbols"/>, or its own
    /// <see cref="Portfolio"/> symbols of <paramref name="universe"/>, the same for the same seed.
    /// </summary>
    public string[] SymbolsOf(int index, IReadOnlyList<string> universe)
    {
        if (Portfolio == 0)
        {
            return Symbols;
        }
        var random = new Random(Seed * 1_000_003 + (Shape == "identical" ? 0 : index));
        var picked = new HashSet<int>();
        while (picked.Count < Math.Min(Portfolio, universe.Count))
        {
            picked.Add(random.Next(universe.Count));
        }
        return [.. picked.Order().Select(i => universe[i])];
    }

    public int StuckClients => (int)Math.Round(Clients * StuckPercent / 100.0);

    public static LoadOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"Expected --name value, got '{args[i]}'.");
            }
            values[args[i][2..]] = args[++i];
        }
        string? Get(string name) => values.Remove(name, out var v) ? v : null;
        double Number(string name, double fallback) => Get(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

        var url = new Uri(Get("url") ?? "http://127.0.0.1:5000");
        if (!url.IsLoopback)
        {
            throw new ArgumentException($"--url must be a loopback address (127.0.0.1), not {url.Host}: this tool only loads the local machine.");
        }
        var options = new LoadOptions
        {
            Url = url,
            Clients = (int)Number("clients", 100),
            Symbols = (Get("symbols") ?? "*").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Portfolio = (int)Number("portfolio", 0),
            Shape = Get("shape") ?? "diverse",
            Seed = (int)Number("seed", 1),
            Mode = Get("mode") ?? "subscribe",
            Client = Get("client") ?? "raw",
            WarmupSeconds = Number("warmup", 5),
            DurationSeconds = Number("duration", 20),
            StuckPercent = Number("stuck-percent", 0),
            Pid = Get("pid") is { } pid ? int.Parse(pid, CultureInfo.InvariantCulture) : null,
            Label = Get("label") ?? "",
            ConnectParallel = (int)Number("connect-parallel", 64),
            JsonOut = Get("json-out"),
        };
        if (values.Count > 0)
        {
            throw new ArgumentException($"Unknown option(s): {string.Join(", ", values.Keys.Select(k => "--" + k))}.");
        }
        if (options.Mode is not ("subscribe" or "stream") || options.Client is not ("raw" or "signalr" or "ws"))
        {
            throw new ArgumentException("--mode is subscribe or stream; --client is raw, signalr or ws.");
        }
        if (options.Client == "ws" && options.Mode != "subscribe")
        {
            throw new ArgumentException("--client ws subscribes: /ws has no stream mode.");
        }
        if (options.Shape is not ("diverse" or "identical") || options.Portfolio < 0)
        {
            throw new ArgumentException("--shape is diverse or identical; --portfolio is a count of symbols.");
        }
        if (options.StuckClients > 0 && options.Client != "raw")
        {
            throw new ArgumentException("--stuck-percent needs --client raw (the SignalR client cannot stop reading).");
        }
        return options;
    }
}
