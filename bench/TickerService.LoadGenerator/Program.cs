using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using TickerService.LoadGenerator;

LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (Exception exception) when (exception is ArgumentException or FormatException)
{
    Console.Error.WriteLine(exception.Message);
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}

using var http = new HttpClient { BaseAddress = options.Url, Timeout = TimeSpan.FromSeconds(10) };
var table = new SymbolTable([.. (await LatestSequences(http)).Keys]);
// Clients subscribed to each symbol, to know how many deliveries the window should have.
var subscribers = new long[table.Count];
var stats = new Stats();
using var stopping = new CancellationTokenSource();
var started = DateTime.UtcNow;

// The server's memory, sampled from before the first connection to the end.
var samples = new List<(double Seconds, long Rss)>();
var sampling = options.Pid is { } samplePid ? Task.Run(async () =>
{
    // The server's memory four times a second, on a timer that does not drift with the sampling.
    var clock = Stopwatch.StartNew();
    using var every = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
    do
    {
        var rss = ProcessProbe.Memory(samplePid).Rss;
        lock (samples)
        {
            samples.Add((clock.Elapsed.TotalSeconds, rss));
        }
    }
    while (await WaitAsync(every, stopping.Token));
}) : Task.CompletedTask;
var sampleClock = Stopwatch.StartNew();
var rssBeforeConnect = options.Pid is { } p0 ? ProcessProbe.Memory(p0).Rss : 0;

// Connect.
Console.Error.WriteLine($"{options.Label}: connecting {options.Clients} {options.Client} clients ({options.Mode}) to {options.Url} ...");
var raw = new List<RawClient>();
var signalr = new List<SignalRClient>();
var plain = new List<PlainClient>();
var receiving = new List<Task>();
var connectClock = Stopwatch.StartNew();
using (var gate = new SemaphoreSlim(options.ConnectParallel))
{
    // Which clients get stuck is fixed up front, spread over the connection order.
    var stuckEvery = options.StuckClients > 0 ? Math.Max(1, options.Clients / options.StuckClients) : 0;
    var connects = Enumerable.Range(0, options.Clients).Select(async index =>
    {
        await gate.WaitAsync();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            if (options.Client == "raw")
            {
                var willStick = stuckEvery > 0 && index % stuckEvery == 0 && index / stuckEvery < options.StuckClients;
                var client = new RawClient(stats, table) { WillStick = willStick };
                var symbols = options.SymbolsOf(index, table.Symbols);
                await client.ConnectAsync(options.Url, options.Mode, symbols, willStick, timeout.Token);
                lock (raw)
                {
                    if (!willStick)
                    {
                        Count(symbols);
                    }
                    raw.Add(client);
                    receiving.Add(Task.Run(() => client.ReceiveLoopAsync(stopping.Token)));
                }
            }
            else if (options.Client == "ws")
            {
                var client = new PlainClient(stats, table);
                var symbols = options.SymbolsOf(index, table.Symbols);
                await client.ConnectAsync(options.Url, symbols, timeout.Token);
                lock (raw)
                {
                    Count(symbols);
                    plain.Add(client);
                    receiving.Add(Task.Run(() => client.ReceiveLoopAsync(stopping.Token)));
                }
            }
            else
            {
                var client = new SignalRClient(stats, table);
                var symbols = options.SymbolsOf(index, table.Symbols);
                await client.ConnectAsync(options.Url, options.Mode, symbols, timeout.Token);
                lock (signalr)
                {
                    Count(symbols);
                    signalr.Add(client);
                }
            }
        }
        catch (Exception exception)
        {
            if (Interlocked.Increment(ref stats.ConnectErrors) <= 3)
            {
                Console.Error.WriteLine($"connect failed: {exception.GetType().Name}: {exception.Message}");
            }
        }
        finally
        {
            gate.Release();
        }
    });
    await Task.WhenAll(connects);
}
var connected = raw.Count + signalr.Count + plain.Count;
var connectSeconds = connectClock.Elapsed.TotalSeconds;
Console.Error.WriteLine($"{connected} connected in {connectSeconds:F1} s, {stats.ConnectErrors} failed");

// SignalR's server closes a connection silent for 30 s (ClientTimeoutInterval).
var pinging = Task.Run(async () =>
{
    while (!stopping.IsCancellationRequested)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(10), stopping.Token);
            // Every client on its own: a send that hangs (a stuck client's) must not hold up the
            // others' pings, or the server times them all out.
            await Task.WhenAll(raw.Select(async client =>
            {
                try
                {
                    await client.PingAsync(stopping.Token).WaitAsync(TimeSpan.FromSeconds(5), stopping.Token);
                }
                catch (TimeoutException)
                {
                    Interlocked.Increment(ref stats.PingStalls);
                }
                catch (Exception exception) when (exception is System.Net.WebSockets.WebSocketException or InvalidOperationException or ObjectDisposedException)
                {
                }
            }));
        }
        catch (Exception exception) when (exception is OperationCanceledException or System.Net.WebSockets.WebSocketException or InvalidOperationException)
        {
            if (stopping.IsCancellationRequested)
            {
                return;
            }
        }
    }
});

await Task.Delay(TimeSpan.FromSeconds(2));
var rssAfterConnect = options.Pid is { } p1 ? ProcessProbe.Memory(p1).Rss : 0;
await Task.Delay(TimeSpan.FromSeconds(options.WarmupSeconds));

// The window.
var stuck = 0;
foreach (var client in raw.Where(c => c.WillStick))
{
    client.Stuck = true;
    stuck++;
}
var sequencesBefore = await LatestSequences(http);
stats.CountSequencesAfter([.. table.Symbols.Select(s => sequencesBefore.GetValueOrDefault(s))]);
var serverCpuBefore = options.Pid is { } p2 ? ProcessProbe.CpuTime(p2) : TimeSpan.Zero;
var ownCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
var machineBefore = ProcessProbe.MachineCpu();
var windowStart = sampleClock.Elapsed.TotalSeconds;
var window = Stopwatch.StartNew();
stats.Open(options.DurationSeconds);
await Task.Delay(TimeSpan.FromSeconds(options.DurationSeconds));
stats.Phase = 2;
var seconds = window.Elapsed.TotalSeconds;
var windowEnd = sampleClock.Elapsed.TotalSeconds;
var serverCpu = options.Pid is { } p3 ? ProcessProbe.CpuTime(p3) - serverCpuBefore : TimeSpan.Zero;
var ownCpu = Process.GetCurrentProcess().TotalProcessorTime - ownCpuBefore;
var machineAfter = ProcessProbe.MachineCpu();
var sequencesAfter = await LatestSequences(http);
var peakEver = options.Pid is { } p4 ? ProcessProbe.Memory(p4).Peak : 0;
var disconnectsInRun = Interlocked.Read(ref stats.Disconnects);
// The stuck clients read again, and the window's last quotes are still on their way: give
// both time before counting.
foreach (var client in raw.Where(c => c.Stuck))
{
    client.Resume();
}
await Task.Delay(TimeSpan.FromSeconds(3));
var subscribedIndexes = Enumerable.Range(0, table.Count).Where(i => subscribers[i] > 0).ToArray();
var deliveredInWindow = stats.DeliveredBetween([.. table.Symbols.Select(s => sequencesAfter.GetValueOrDefault(s))], subscribedIndexes);

// Done: close everything.
stopping.Cancel();
await sampling;
await pinging;
await Task.WhenAll(raw.Select(c => c.CloseAsync()).Concat(signalr.Select(c => c.CloseAsync())).Concat(plain.Select(c => c.CloseAsync())));
await Task.WhenAll(receiving);

// Report.
long Published(string s) => sequencesAfter.GetValueOrDefault(s) - sequencesBefore.GetValueOrDefault(s);
var published = subscribedIndexes.Sum(i => Published(table.Symbols[i]));
var reading = connected - stuck;
var expected = subscribedIndexes.Sum(i => subscribers[i] * Published(table.Symbols[i]));
List<(double Seconds, long Rss)> windowSamples;
lock (samples)
{
    windowSamples = [.. samples.Where(s => s.Seconds >= windowStart && s.Seconds <= windowEnd)];
}
double? Per(double value, double by) => by > 0 ? value / by : null;
const double Mb = 1024 * 1024;
var result = new JsonObject
{
    ["label"] = options.Label,
    ["date"] = started.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
    ["mode"] = options.Mode,
    ["client"] = options.Client,
    ["clients"] = options.Clients,
    ["connected"] = connected,
    ["connect_seconds"] = Math.Round(connectSeconds, 2),
    ["stuck"] = stuck,
    ["symbols"] = options.Portfolio > 0 ? $"{options.Shape} {options.Portfolio} of {table.Count}" : string.Join(',', options.Symbols),
    ["instruments"] = table.Count,
    ["window_s"] = Math.Round(seconds, 2),
    ["published_quotes"] = published,
    ["delivered_quotes"] = stats.Quotes,
    ["delivered_messages"] = stats.Messages,
    ["quotes_per_s"] = Math.Round(stats.Quotes / seconds, 1),
    ["messages_per_s"] = Math.Round(stats.Messages / seconds, 1),
    ["messages_per_client_s"] = Round(Per(stats.Messages / seconds, reading), 2),
    ["delivered_of_published"] = deliveredInWindow,
    ["delivery_ratio"] = Round(Per(deliveredInWindow, expected), 4),
    ["lost_quotes"] = stats.Lost,
    ["stuck_received_after_resume"] = Interlocked.Read(ref stats.StuckReceived),
    ["stuck_skipped_sequences"] = Interlocked.Read(ref stats.StuckSkipped),
    ["mb_per_s"] = Math.Round(stats.Bytes / seconds / Mb, 2),
    ["p50_ms"] = Round(stats.PercentileMs(0.50), 2),
    ["p99_ms"] = Round(stats.PercentileMs(0.99), 2),
    ["p999_ms"] = Round(stats.PercentileMs(0.999), 2),
    ["max_ms"] = Math.Round(stats.MaxMicros / 1000.0, 2),
    ["connect_errors"] = stats.ConnectErrors,
    ["disconnects"] = disconnectsInRun,
    ["hub_errors"] = stats.HubErrors,
    ["ping_stalls"] = Interlocked.Read(ref stats.PingStalls),
    ["server_cpu_s"] = Math.Round(serverCpu.TotalSeconds, 2),
    ["server_cpu_pct_of_core"] = Math.Round(100 * serverCpu.TotalSeconds / seconds, 1),
    ["server_cpu_us_per_message"] = Round(Per(serverCpu.TotalMicroseconds, stats.Messages), 2),
    ["server_cpu_us_per_quote"] = Round(Per(serverCpu.TotalMicroseconds, stats.Quotes), 3),
    ["server_rss_mb_before_connect"] = Math.Round(rssBeforeConnect / Mb, 1),
    ["server_rss_mb_after_connect"] = Math.Round(rssAfterConnect / Mb, 1),
    ["server_kb_per_connection"] = Round(Per((rssAfterConnect - rssBeforeConnect) / 1024.0, connected), 1),
    ["server_rss_mb_window_peak"] = windowSamples.Count > 0 ? Math.Round(windowSamples.Max(s => s.Rss) / Mb, 1) : null,
    ["server_rss_mb_window_first"] = windowSamples.Count > 0 ? Math.Round(windowSamples[0].Rss / Mb, 1) : null,
    ["server_rss_mb_window_last"] = windowSamples.Count > 0 ? Math.Round(windowSamples[^1].Rss / Mb, 1) : null,
    ["server_vmhwm_mb"] = Math.Round(peakEver / Mb, 1),
    ["max_ms_per_s"] = new JsonArray([.. stats.MaxMsBySecond().Select(v => (JsonNode)v)]),
    ["server_rss_mb_per_s"] = new JsonArray([.. windowSamples.Where((_, i) => i % 4 == 0).Select(s => (JsonNode)Math.Round(s.Rss / Mb, 1))]),
    ["generator_cpu_pct_of_core"] = Math.Round(100 * ownCpu.TotalSeconds / seconds, 1),
    ["machine_busy_pct"] = Round(Per(100.0 * (machineAfter.Busy - machineBefore.Busy), machineAfter.Total - machineBefore.Total), 1),
    ["cores"] = Environment.ProcessorCount,
    ["loadavg"] = ProcessProbe.LoadAverage(),
};

Console.WriteLine($"== {options.Label} ==");
foreach (var (key, value) in result)
{
    if (key is not ("server_rss_mb_per_s" or "max_ms_per_s"))
    {
        Console.WriteLine($"  {key,-30} {value?.ToJsonString().Trim('"')}");
    }
}
var line = result.ToJsonString();
Console.WriteLine(line);
if (options.JsonOut is { } path)
{
    await File.AppendAllTextAsync(path, line + Environment.NewLine);
}
return 0;

void Count(string[] symbols)
{
    foreach (var symbol in symbols)
    {
        var i = table.IndexOf(symbol);
        if (i >= 0)
        {
            subscribers[i]++;
        }
    }
}

static double? Round(double? value, int digits) => value is { } v && double.IsFinite(v) ? Math.Round(v, digits) : null;

static async Task<Dictionary<string, long>> LatestSequences(HttpClient http)
{
    var quotes = await http.GetFromJsonAsync<JsonElement[]>("/api/quotes") ?? [];
    return quotes.ToDictionary(q => q.GetProperty("symbol").GetString()!, q => q.GetProperty("sequence").GetInt64(), StringComparer.Ordinal);
}

// The next period, or false once the run is stopping.
static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stopping)
{
    try
    {
        return await timer.WaitForNextTickAsync(stopping);
    }
    catch (OperationCanceledException)
    {
        return false;
    }
}
