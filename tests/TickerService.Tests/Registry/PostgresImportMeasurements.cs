using System.Diagnostics;
using System.Net;
using TickerService.Configuration;
using TickerService.Market;
using TickerService.Server.Recording;
using TickerService.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TickerService.Tests.Registry;

/// <summary>
/// Timed runs for docs/benchmarks.md ("PostgreSQL recording"): the 100,000 minute bars imported
/// and the recorder's write path, on SQLite and on PostgreSQL side by side. Reported, with only
/// loose bounds asserted: a shared machine varies.
/// </summary>
public sealed class PostgresImportMeasurements(PostgresServer postgres, ITestOutputHelper output) : IClassFixture<PostgresServer>, IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [SkippableFact]
    public async Task MinuteBarsImportOnPostgresAndSqlite()
    {
        var minutes = RegistryTests.Bars(100_000, new DateTime(2024, 1, 2, 14, 30, 0, DateTimeKind.Utc), TimeSpan.FromMinutes(1), dateOnly: false);
        foreach (var provider in new[] { "Sqlite", "Postgres" })
        {
            await using var server = new TickerServer(_database.Path)
                .With("Ticker:AdminKey", PriceBarImportTests.Key)
                .WithPostgres(provider == "Postgres" ? postgres.CreateDatabase() : null);
            _ = server.BaseAddress;
            // A small import first, so the first-call JIT is not timed.
            await PriceBarImportTests.ImportAsync(server, "format=bars&symbol=WARM", RegistryTests.Bars(10, new DateTime(2020, 1, 2, 0, 0, 0, DateTimeKind.Utc), TimeSpan.FromDays(1), dateOnly: true), HttpStatusCode.OK);

            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            var result = await PriceBarImportTests.ImportAsync(server, "format=bars&symbol=MINUTE", minutes, HttpStatusCode.OK, TimeSpan.FromSeconds(60));
            watch.Stop();
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;

            Assert.Equal(100_000, result.GetProperty("imported").GetInt32());
            output.WriteLine($"{provider}: 100,000 minute bars in {watch.ElapsedMilliseconds:N0} ms over HTTP = {100_000 / watch.Elapsed.TotalSeconds:N0} bars/s; CPU of this process {cpu.TotalMilliseconds:N0} ms");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"{provider} took {watch.Elapsed}");
        }
    }

    [SkippableFact]
    public void TheRecordersWritePathOnPostgresAndSqlite()
    {
        const int Flushes = 200;
        const int FlushSize = 1000;
        var simulator = new MarketSimulator(new InstrumentCatalog(new TickerOptions().EffectiveInstruments), TimeSpan.FromMilliseconds(250), 5);
        var start = new DateTime(2026, 1, 5, 14, 0, 0, DateTimeKind.Utc);
        var quotes = Enumerable.Range(0, Flushes * FlushSize / 15 + 1).SelectMany(i => simulator.Tick(start.AddMilliseconds(250.0 * i))).Take(Flushes * FlushSize).ToArray();
        foreach (var store in new[] { new RecordingStore(_database.Path), new RecordingStore(new PostgresEngine(postgres.CreateDatabase())) })
        {
            using var connection = store.OpenForWriting();
            RecordingStore.Insert(connection, quotes.Take(FlushSize), ignoreDuplicates: true); // warm up, and the first flush
            var watch = Stopwatch.StartNew();
            for (var i = 1; i < Flushes; i++)
            {
                // As the recorder writes: one transaction a flush, duplicates ignored.
                RecordingStore.Insert(connection, new ArraySegment<Quote>(quotes, i * FlushSize, FlushSize), ignoreDuplicates: true);
            }
            watch.Stop();
            var written = (Flushes - 1) * FlushSize;
            Assert.Equal(Flushes * FlushSize, store.Count());
            output.WriteLine($"{store.Engine.GetType().Name}: {written:N0} quotes in flushes of {FlushSize:N0} in {watch.ElapsedMilliseconds:N0} ms = {written / watch.Elapsed.TotalSeconds:N0} quotes/s");
        }
    }
}
