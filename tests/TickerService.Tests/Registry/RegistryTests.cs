using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using TickerService.Configuration;
using TickerService.Market;
using TickerService.Server.Recording;
using TickerService.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TickerService.Tests.Registry;

/// <summary>Issue 10: an instrument added by configuration, an old database migrated, and the import rates measured.</summary>
public sealed class RegistryTests(ITestOutputHelper output) : IDisposable
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task AnAdditionalInstrumentKeepsTheFifteenDefaults()
    {
        await using var server = new TickerServer(_database.Path)
            .With("Ticker:AdditionalInstruments:0:Symbol", "AAPL")
            .With("Ticker:AdditionalInstruments:0:Name", "Apple Inc.")
            .With("Ticker:AdditionalInstruments:0:StartPrice", "190.50");
        using var http = server.Http();

        var instruments = (await http.GetFromJsonAsync<Instrument[]>("/api/instruments", Web))!;

        Assert.Equal([.. DefaultInstruments.All.Select(i => i.Symbol), "AAPL"], instruments.Select(i => i.Symbol));
        Assert.All(instruments, i => Assert.True(i.Simulated));
        await using var client = await server.ConnectAsync();
        Assert.Equal(190.5, (await client.SubscribeAsync("AAPL")).Single().Last);
    }

    [Fact]
    public async Task ASymbolRecordedWithoutAnInstrumentEntryIsAHistoryOnlyInstrumentAfterAStart()
    {
        // Quotes of a symbol the configuration does not name, written before the instruments table
        // existed (an earlier version's import), or by a feed that quoted it once.
        var simulator = new MarketSimulator(new InstrumentCatalog([new InstrumentOptions { Symbol = "OLDCO", Name = "Old Company", StartPrice = 12.5m }]), TimeSpan.FromSeconds(1), 3);
        var start = new DateTime(2026, 11, 2, 15, 0, 0, DateTimeKind.Utc);
        var recorded = Enumerable.Range(0, 3).Select(i => simulator.Tick(start.AddSeconds(i)).Single()).ToArray();
        using (var connection = new RecordingStore(_database.Path).OpenForWriting())
        {
            RecordingStore.Insert(connection, recorded, ignoreDuplicates: false);
        }

        await using var server = new TickerServer(_database.Path).With("Ticker:Recording:Retention", "00:00:00");
        using var http = server.Http();

        var instrument = Assert.Single((await http.GetFromJsonAsync<Instrument[]>("/api/instruments", Web))!, i => i.Symbol == "OLDCO");
        Assert.Equal(("Old Company", false, 0.01), (instrument.Name, instrument.Simulated, instrument.TickSize));
        var history = await http.GetFromJsonAsync<Quote[]>($"/api/quotes/OLDCO/history?from={start:O}&to={start.AddMinutes(1):O}", Web);
        Assert.Equal(recorded.Select(q => q.Sequence), history!.Select(q => q.Sequence));
    }

    [Fact]
    public void ADatabaseFromBeforeImportsWereMarkedOpensAndItsRowsAreTheRecorders()
    {
        // The schema as issue 9 left it: no imported column, no instruments table.
        using (var old = new SqliteConnection($"Data Source={_database.Path}"))
        {
            old.Open();
            using var command = old.CreateCommand();
            command.CommandText = """
                CREATE TABLE quotes (symbol TEXT NOT NULL, ts INTEGER NOT NULL, sequence INTEGER NOT NULL, name TEXT NOT NULL,
                    last REAL NOT NULL, change REAL NOT NULL, change_percent REAL NOT NULL, open REAL NOT NULL, high REAL NOT NULL,
                    low REAL NOT NULL, previous_close REAL NOT NULL, volume INTEGER NOT NULL, previous_volume INTEGER NOT NULL,
                    buy REAL NOT NULL, sell REAL NOT NULL, session TEXT NOT NULL);
                INSERT INTO quotes VALUES ('XOM', 1000, 1, 'Exxon', 1, 0, 0, 1, 1, 1, 1, 0, 0, 1.01, 0.99, 'open');
                """;
            command.ExecuteNonQuery();
        }
        SqliteConnection.ClearAllPools();
        var store = new RecordingStore(_database.Path);

        using var connection = store.OpenForWriting();

        Assert.Empty(store.ReadInstruments());
        Assert.Equal(1, RecordingStore.DeleteBefore(connection, DateTime.UnixEpoch.AddSeconds(2)));
    }

    [Fact]
    public async Task TwentyYearsOfDailyBarsAndAYearOfMinuteBarsImportQuickly()
    {
        await using var server = new TickerServer(_database.Path).With("Ticker:AdminKey", PriceBarImportTests.Key);
        _ = server.BaseAddress;

        var daily = Bars(5_000, new DateTime(2000, 1, 3, 0, 0, 0, DateTimeKind.Utc), TimeSpan.FromDays(1), dateOnly: true);
        var minutes = Bars(100_000, new DateTime(2024, 1, 2, 14, 30, 0, DateTimeKind.Utc), TimeSpan.FromMinutes(1), dateOnly: false);

        // The first minute file runs code the process has not run at that size (tiered JIT still
        // compiling it); the second, of another symbol, shows the import in a process that has.
        foreach (var (name, symbol, body, rows) in new[] { ("daily", "DAILY", daily, 5_000), ("minute", "MINUTE", minutes, 100_000), ("minute again", "MINUTE2", minutes, 100_000) })
        {
            // CPU time of this process (client and server both) beside wall time: on a shared, loaded
            // machine the wall time measures the other tenants as much as the import.
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            var result = await PriceBarImportTests.ImportAsync(server, $"format=bars&symbol={symbol}", body, HttpStatusCode.OK);
            watch.Stop();
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            Assert.Equal(rows, result.GetProperty("imported").GetInt32());
            // Reported, not asserted tightly: a shared CI machine varies.
            output.WriteLine($"{name}: {rows:N0} bars ({body.Length / 1024:N0} KB) in {watch.ElapsedMilliseconds:N0} ms over HTTP = {rows / watch.Elapsed.TotalSeconds:N0} bars/s; CPU {cpu.TotalMilliseconds:N0} ms = {rows / cpu.TotalSeconds:N0} bars per CPU-second");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"{name} took {watch.Elapsed}");
        }
    }

    // Bars a random walk of whole cents, every step a trading instant (weekends not skipped: the import does not care).
    internal static string Bars(int count, DateTime start, TimeSpan step, bool dateOnly)
    {
        var random = new Random(7);
        var text = new StringBuilder("date,open,high,low,close,adjclose,volume\n", count * 70);
        var close = 100.0;
        var c = CultureInfo.InvariantCulture;
        for (var i = 0; i < count; i++)
        {
            var open = close;
            close = Math.Max(1, Math.Round(open * (1 + (random.NextDouble() - 0.5) * 0.02), 2));
            var high = Math.Round(Math.Max(open, close) * 1.003, 6);
            var low = Math.Round(Math.Min(open, close) * 0.997, 6);
            var at = start + step * i;
            text.Append(dateOnly ? at.ToString("yyyy-MM-dd", c) : at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", c))
                .Append(c, $",{open:F6},{high:F6},{low:F6},{close:F6},{close:F6},{random.Next(1_000, 5_000_000)}\n");
        }
        return text.ToString();
    }
}
