using System.Diagnostics;
using Microsoft.AspNetCore.SignalR.Client;
using TickerService.Configuration;
using TickerService.Market;
using TickerService.Server.Recording;
using TickerService.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TickerService.Tests.Replay;

/// <summary>
/// A timed integration run (not a BenchmarkDotNet benchmark): replay at speed 0 to one real .NET
/// SignalR client over Kestrel, from a real SQLite file, end to end. It checks that every quote
/// arrives and prints the rate; docs/benchmarks.md has the figures.
/// </summary>
public sealed class ReplayThroughputTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Ticks = 10_000;
    private static readonly DateTime Start = new(2020, 1, 6, 14, 0, 0, DateTimeKind.Utc);

    private readonly TickerServer _server = new TickerServer().With("Ticker:Recording:Retention", "00:00:00");

    public Task InitializeAsync()
    {
        var catalog = new InstrumentCatalog(new TickerOptions().EffectiveInstruments);
        var simulator = new MarketSimulator(catalog, TimeSpan.FromMilliseconds(250), 42);
        using var connection = _server.Store.OpenForWriting();
        RecordingStore.Insert(
            connection,
            Enumerable.Range(0, Ticks).SelectMany(i => simulator.Tick(Start.AddMilliseconds(250.0 * i))),
            ignoreDuplicates: false);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [MemberData(nameof(Protocols.Both), MemberType = typeof(Protocols))]
    public async Task ReplayAtSpeedZeroToOneClient(string protocol)
    {
        await using var client = await _server.ConnectAsync(protocol);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var request = new ReplayRequest { Symbols = ["*"], From = Start, To = Start.AddDays(1), Speed = 0, ReplayId = "bench" };

        var watch = Stopwatch.StartNew();
        long count = 0, lastSequence = 0;
        await foreach (var quote in client.Connection.StreamAsync<Quote>("Replay", request, cancel.Token))
        {
            count++;
            lastSequence = quote.Sequence;
        }
        watch.Stop();

        Assert.Equal(Ticks * 15L, count);
        Assert.True(lastSequence > 0);
        output.WriteLine($"{protocol}: {count:N0} quotes in {watch.Elapsed.TotalSeconds:F2} s = {count / watch.Elapsed.TotalSeconds:N0} quotes/s");
    }
}
