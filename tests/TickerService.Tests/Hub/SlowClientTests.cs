using System.Diagnostics;
using Xunit.Abstractions;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Hub;

/// <summary>
/// A client that stops reading must not hold up the others, nor make the server queue for it:
/// it is conflated to the newest quote per symbol, and gets those when it reads again.
/// </summary>
[Collection(Isolated.Name)]
public sealed class SlowClientTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TickerServer _server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task AStalledClientNeitherDelaysTheOthersNorGrowsServerMemory()
    {
        var fast = new[] { await _server.ConnectAsync("json"), await _server.ConnectAsync("messagepack"), await _server.ConnectAsync("json") };
        foreach (var client in fast)
        {
            await client.SubscribeAsync("*");
        }
        var expected = new long[] { 1 };

        // Baseline: latency of every tick to every fast client, nobody stalled.
        var baseline = await TickAndMeasure(fast, 200, expected);

        // A client subscribes to everything, then stops reading.
        await using var stalled = await RawHubSocket.ConnectAsync(_server.HubUrl);
        await stalled.SubscribeAsync("*");
        var bytesPerTick = System.Text.Encoding.UTF8.GetByteCount(System.Text.Json.JsonSerializer.Serialize(_server.Market.Tick()));
        expected[0]++;
        foreach (var client in fast)
        {
            await client.NextBatchAsync();
        }

        // Enough ticks to fill its socket buffers and the transport's pipe several times over.
        var fillTicks = 0;
        while (_server.Broadcaster.ConnectionsBehind == 0)
        {
            await TickAndMeasure(fast, 50, expected);
            fillTicks += 50;
            Assert.True(fillTicks < 20_000, "The stalled client never fell behind: its buffers should have filled long ago.");
        }

        // Settle first (the transport's buffers have just filled), then a window long enough that
        // a queue would stand out from the noise of everything else in this process: a queue for
        // the stalled client would hold all of the window's 4000 ticks, about 17 MB.
        await TickAndMeasure(fast, 200, expected);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        const int stalledTicks = 4000;
        var withStall = await TickAndMeasure(fast, stalledTicks, expected);
        var after = GC.GetTotalMemory(forceFullCollection: true);

        output.WriteLine($"stalled after {fillTicks} ticks; p99 {Percentile(baseline, 0.99):F2} ms -> {Percentile(withStall, 0.99):F2} ms; " +
            $"memory {after - before:N0} B over {stalledTicks} ticks of {bytesPerTick:N0} B; conflated {_server.Broadcaster.Counters.Conflated:N0}");

        // Every fast client got every tick (TickAndMeasure checks each sequence) and no slower.
        var p99Baseline = Percentile(baseline, 0.99);
        var p99Stalled = Percentile(withStall, 0.99);
        Assert.True(p99Stalled <= 2 * p99Baseline + 20,
            $"p99 latency of the others went from {p99Baseline:F2} ms to {p99Stalled:F2} ms with a stalled client.");

        // What the stalled client missed was conflated, not queued: memory did not grow with it.
        var produced = (long)stalledTicks * bytesPerTick;
        Assert.Equal(1, _server.Broadcaster.ConnectionsBehind);
        Assert.True(_server.Broadcaster.Counters.Conflated > 0);
        Assert.True(after - before < produced / 4,
            $"Server memory grew by {after - before:N0} bytes while {produced:N0} bytes were published to the stalled client.");

        // When it reads again it catches up to the newest quote of every symbol.
        var latest = _server.Market.Tick().ToDictionary(q => q.Symbol, q => q.Sequence);
        var seen = new Dictionary<string, long>();
        while (latest.Any(kv => seen.GetValueOrDefault(kv.Key) < kv.Value))
        {
            using var message = await stalled.ReadMessageAsync();
            var root = message.RootElement;
            if (root.GetProperty("type").GetInt32() == 1 && root.GetProperty("target").GetString() == "quotes")
            {
                foreach (var quote in root.GetProperty("arguments")[0].EnumerateArray())
                {
                    seen[quote.GetProperty("symbol").GetString()!] = quote.GetProperty("sequence").GetInt64();
                }
            }
        }
        await Eventually.TrueAsync(() => _server.Broadcaster.ConnectionsBehind == 0);

        foreach (var client in fast)
        {
            await client.DisposeAsync();
        }
    }

    // Ticks one at a time and waits for every fast client to receive that tick; returns the latencies in ms.
    private async Task<List<double>> TickAndMeasure(QuoteClient[] clients, int ticks, long[] expectedSequence)
    {
        var latencies = new List<double>(ticks * clients.Length);
        for (var i = 0; i < ticks; i++)
        {
            var started = Stopwatch.GetTimestamp();
            _server.Market.Tick();
            expectedSequence[0]++;
            foreach (var client in clients)
            {
                var batch = await client.NextBatchAsync();
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                Assert.All(batch, q => Assert.Equal(expectedSequence[0], q.Sequence));
            }
        }
        return latencies;
    }

    private static double Percentile(List<double> values, double p)
    {
        values.Sort();
        return values[(int)Math.Min(values.Count - 1, Math.Ceiling(p * values.Count) - 1)];
    }
}
