using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TickerService.Configuration;
using TickerService.Market;
using TickerService.Server.Recording;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Recording;

/// <summary>
/// Imports against what is recorded and what the live feed does next (issue 9, items 1 and 2):
/// nothing dated in the future, sequences rising in time order across recording and import, and
/// a restarted feed continuing above the highest recorded sequence. Real servers, real SQLite files.
/// </summary>
public sealed class ImportIntegrityTests : IDisposable
{
    private const string Key = "s3cret-admin-key";

    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task AFutureDatedImportIsRefusedAndARestartContinuesTheLiveSequence()
    {
        Quote lastXom;
        await using (var server = new TickerServer(_database.Path).With("Ticker:AdminKey", Key))
        {
            _ = server.BaseAddress;
            server.Market.Tick();
            lastXom = server.Market.Tick().Single(q => q.Symbol == "XOM");
            Assert.True(await server.Recorder.FlushAsync(CancellationToken.None));
            var before = server.Store.Count();

            // The reproduction: one XOM quote dated tomorrow with sequence 1.
            var tomorrow = lastXom with { Timestamp = lastXom.Timestamp.AddDays(1), Sequence = 1 };
            var problem = await ImportAsync(server, RecordingFormats.ToJsonLine(tomorrow), HttpStatusCode.BadRequest);

            Assert.Contains("Line 1, field 'timestamp'", problem.GetProperty("detail").GetString());
            Assert.Contains("is in the future", problem.GetProperty("detail").GetString());
            Assert.Equal("timestamp", problem.GetProperty("field").GetString());
            Assert.Equal(before, server.Store.Count());
        }

        await using var restarted = new TickerServer(_database.Path);
        await using var client = await restarted.ConnectAsync();
        var snapshot = await client.SubscribeAsync("XOM");

        Assert.Equal(lastXom.Sequence + 1, snapshot.Single().Sequence);
    }

    [Fact]
    public async Task AfterARestartEachSymbolContinuesAboveItsHighestRecordedSequence()
    {
        // What an import before these checks could leave: XOM's newest quote holds a lower
        // sequence than an older one. The feed must continue above the highest, not the newest.
        var at = DateTime.UtcNow.AddHours(-1);
        at = at.AddTicks(-(at.Ticks % TimeSpan.TicksPerMillisecond));
        var xom = Simulated(at).Single(q => q.Symbol == "XOM");
        using (var connection = new RecordingStore(_database.Path).OpenForWriting())
        {
            RecordingStore.Insert(connection, [xom with { Sequence = 900 }, xom with { Timestamp = at.AddMinutes(1), Sequence = 7 }], ignoreDuplicates: false);
        }

        await using var server = new TickerServer(_database.Path);
        await using var client = await server.ConnectAsync();
        var snapshot = await client.SubscribeAsync("XOM", "CVX");

        Assert.Equal(901, snapshot.Single(q => q.Symbol == "XOM").Sequence);
        Assert.Equal(1, snapshot.Single(q => q.Symbol == "CVX").Sequence);
    }

    public static TheoryData<long[], HttpStatusCode, int, string> Imports => new()
    {
        // The reproduction: 1 ms after the recorded 6, sequences 1 and 2 (a replay would read 5, 6, 1, 2, 10).
        { [1, 2], HttpStatusCode.Conflict, 1, "XOM's sequence 1 does not follow 6, recorded at" },
        // The first fits; the second is not below the 10 recorded after it: line 2 is named.
        { [7, 11], HttpStatusCode.Conflict, 2, "XOM's sequence 11 is not below 10, recorded later at" },
        // Repeating a recorded sequence is going back too.
        { [6, 7], HttpStatusCode.Conflict, 1, "XOM's sequence 6 does not follow 6" },
        // Between 6 and 10 there is room for 7 and 8.
        { [7, 8], HttpStatusCode.OK, 0, "" },
    };

    [Theory]
    [MemberData(nameof(Imports))]
    public async Task AnImportMustKeepSequencesRisingInTimeOrderAgainstTheRecording(long[] sequences, HttpStatusCode status, int line, string detail)
    {
        // No live feed is recorded here: only the store's own quotes count.
        await using var server = new TickerServer(_database.Path).With("Ticker:Recording:Enabled", "false").With("Ticker:AdminKey", Key);
        var t0 = DateTime.UtcNow.AddHours(-1);
        t0 = t0.AddTicks(-(t0.Ticks % TimeSpan.TicksPerMillisecond));
        var xom = Simulated(t0).Single(q => q.Symbol == "XOM");
        Quote[] recorded = [xom with { Sequence = 5 }, xom with { Timestamp = t0.AddSeconds(1), Sequence = 6 }, xom with { Timestamp = t0.AddSeconds(2), Sequence = 10 }];
        using (var connection = server.Store.OpenForWriting())
        {
            RecordingStore.Insert(connection, recorded, ignoreDuplicates: false);
        }
        // Another symbol first in the file: the error still names the XOM line at fault.
        var cvx = Simulated(t0).Single(q => q.Symbol == "CVX");
        var lines = new[] { RecordingFormats.ToJsonLine(cvx) }
            .Concat(sequences.Select((s, i) => RecordingFormats.ToJsonLine(xom with { Timestamp = t0.AddSeconds(1).AddMilliseconds(i + 1), Sequence = s })));

        var problem = await ImportAsync(server, string.Join('\n', lines), status);

        var xomAfter = server.Store.Read(["XOM"], DateTime.UnixEpoch, DateTime.MaxValue).Select(q => q.Sequence).ToList();
        if (status == HttpStatusCode.OK)
        {
            Assert.Equal([5, 6, .. sequences, 10], xomAfter);
            return;
        }
        Assert.Equal(line + 1, problem.GetProperty("line").GetInt32());
        Assert.Equal("sequence", problem.GetProperty("field").GetString());
        Assert.Contains($"Line {line + 1}, field 'sequence': {detail}", problem.GetProperty("detail").GetString());
        Assert.Equal([5, 6, 10], xomAfter);
        Assert.Empty(server.Store.Read(["CVX"], DateTime.UnixEpoch, DateTime.MaxValue));
    }

    [Fact]
    public async Task AnImportCannotMakeTheLiveFeedReuseOrUndercutASequence()
    {
        await using var server = new TickerServer(_database.Path).With("Ticker:AdminKey", Key);
        _ = server.BaseAddress;
        server.Market.Tick();
        server.Market.Tick();
        Assert.True(await server.Recorder.FlushAsync(CancellationToken.None));
        var live = server.Store.Read(["XOM"], DateTime.UnixEpoch, DateTime.MaxValue).ToList();
        var (first, last) = (live[0], live[^1]);

        // After the newest live quote: the live feed's next sequences are its own, whatever is offered.
        var late = await ImportAsync(server, RecordingFormats.ToJsonLine(last with { Timestamp = last.Timestamp.AddMilliseconds(1), Sequence = last.Sequence + 1 }), HttpStatusCode.Conflict);
        Assert.Contains("XOM is quoted by the live feed", late.GetProperty("detail").GetString());
        Assert.Equal("timestamp", late.GetProperty("field").GetString());

        // Before it, a sequence above the live ones would make a replay go back (and the feed reuse it later).
        var above = await ImportAsync(server, RecordingFormats.ToJsonLine(first with { Timestamp = first.Timestamp.AddMinutes(-1), Sequence = last.Sequence + 100 }), HttpStatusCode.Conflict);
        Assert.Equal("sequence", above.GetProperty("field").GetString());

        // Below every live sequence it fits: the live feed's next sequence never had to move.
        await ImportAsync(server, RecordingFormats.ToJsonLine(first with { Timestamp = first.Timestamp.AddMinutes(-1), Sequence = 0 }), HttpStatusCode.OK);
        var next = server.Market.Tick().Single(q => q.Symbol == "XOM");
        Assert.True(await server.Recorder.FlushAsync(CancellationToken.None));

        Assert.Equal(last.Sequence + 1, next.Sequence);
        var sequences = server.Store.Read(["XOM"], DateTime.UnixEpoch, DateTime.MaxValue).Select(q => q.Sequence).ToList();
        Assert.Equal([0, .. live.Select(q => q.Sequence), next.Sequence], sequences);
    }

    [Fact]
    public async Task QuotesMayBeDatedUpToTheClockSkewAheadOfTheInjectedClock()
    {
        await using var server = new TickerServer(_database.Path).With("Ticker:Recording:Enabled", "false");
        _ = server.BaseAddress;
        var now = new DateTimeOffset(2026, 11, 27, 15, 0, 0, TimeSpan.Zero);
        var importer = new RecordingImporter(server.Store, server.Recorder, server.Services.GetRequiredService<InstrumentCatalog>(), server.Services.GetRequiredService<TickerService.Server.Registry.InstrumentRegistry>(), new FakeTimeProvider(now));
        var xom = Simulated(now.UtcDateTime).Single(q => q.Symbol == "XOM");
        var atSkew = xom with { Timestamp = now.UtcDateTime + RecordingImporter.ClockSkew, Sequence = 1 };
        var pastSkew = xom with { Timestamp = atSkew.Timestamp.AddMilliseconds(1), Sequence = 2 };

        var refused = await Assert.ThrowsAsync<RecordingFormatException>(() => importer.ImportAsync([new(1, atSkew), new(2, pastSkew)], CancellationToken.None));
        var imported = await importer.ImportAsync([new(1, atSkew)], CancellationToken.None);

        Assert.Equal((2, "timestamp"), (refused.Line, refused.Field));
        Assert.Equal(1, imported);
        Assert.Equal([atSkew], server.Store.Read(null, DateTime.UnixEpoch, DateTime.MaxValue));
    }

    private static Quote[] Simulated(DateTime at) =>
        new MarketSimulator(new InstrumentCatalog(DefaultInstruments.All), TimeSpan.FromMilliseconds(250), 7).Snapshot(at);

    private static async Task<JsonElement> ImportAsync(TickerServer server, string body, HttpStatusCode expected)
    {
        using var http = server.Http();
        using var content = new StringContent(body, Encoding.UTF8, "application/x-ndjson");
        content.Headers.Add(RecordingApi.AdminKeyHeader, Key);
        using var response = await http.PostAsync("/api/recordings/import", content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<JsonElement>(text);
    }
}
