using System.Net;
using System.Net.Http.Json;
using System.Text;
using TickerService.Configuration;
using TickerService.Market;
using TickerService.Server.Recording;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Recording;

/// <summary>What CSV export writes, import reads back exactly (issue 9, item 11), and errors name the line a record starts on.</summary>
public sealed class CsvRoundTripTests
{
    private const string Key = "s3cret-admin-key";

    private static readonly string[] AwkwardNames =
    [
        "Comma, Inc.",
        "Say \"hi\"",
        "Line\nbreak",
        "Windows\r\nbreak",
        "=HYPERLINK(\"http://evil.example\",\"click\")",
        "+1 -1 @SUM(A1)",
        "Ünïcødé Öl 石油 🛢️",
        " spaces around ",
        "\"",
        "trailing,",
    ];

    private static readonly InstrumentCatalog Catalog = new(DefaultInstruments.All);

    [Fact]
    public async Task AwkwardNamesComeBackFromACsvExportExactly()
    {
        var at = DateTime.UtcNow.AddHours(-1);
        at = at.AddTicks(-(at.Ticks % TimeSpan.TicksPerMillisecond));
        var simulator = new MarketSimulator(Catalog, TimeSpan.FromMilliseconds(250), 11);
        var quotes = AwkwardNames
            .Select((name, i) => simulator.Tick(at.AddSeconds(i)).Single(q => q.Symbol == "XOM") with { Name = name })
            .ToList();
        await using var source = new TickerServer().With("Ticker:Recording:Enabled", "false");
        using (var connection = source.Store.OpenForWriting())
        {
            RecordingStore.Insert(connection, quotes, ignoreDuplicates: false);
        }
        await using var target = new TickerServer().With("Ticker:Recording:Enabled", "false").With("Ticker:AdminKey", Key);

        using var http = source.Http();
        var csv = await http.GetStringAsync("/api/recordings/export?format=csv");
        using var content = new StringContent(csv, Encoding.UTF8, "text/csv");
        content.Headers.Add(RecordingApi.AdminKeyHeader, Key);
        using var import = await target.Http().PostAsync("/api/recordings/import", content);

        Assert.True(import.StatusCode == HttpStatusCode.OK, await import.Content.ReadAsStringAsync());
        Assert.Equal(quotes.Count, (await import.Content.ReadFromJsonAsync<ImportResult>())!.Imported);
        Assert.Equal(AwkwardNames, target.Store.Read(null, DateTime.UnixEpoch, DateTime.MaxValue).Select(q => q.Name));
        Assert.Equal(quotes, target.Store.Read(null, DateTime.UnixEpoch, DateTime.MaxValue));
        // Written as is: a leading '=' is not prefixed (the README says why), so nothing needs undoing.
        Assert.Contains("\nXOM,\"=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\",", csv);
    }

    [Fact]
    public async Task AnEmptyExportIsTheHeaderRow()
    {
        await using var server = new TickerServer().With("Ticker:Recording:Enabled", "false");
        using var http = server.Http();

        var csv = await http.GetStringAsync("/api/recordings/export?format=csv");

        Assert.Equal(RecordingFormats.CsvHeader, csv.TrimEnd('\r', '\n'));
    }

    [Theory]
    // A record over lines 2 and 3, then a bad one on line 4.
    [InlineData("XOM,\"Two\nlines\",{0}\nXOM,Bad,{1}", 4, "sell")]
    // The bad record itself starts on line 4 and spans 4 to 6.
    [InlineData("XOM,Fine,{0}\n\nXOM,\"Three\r\nline\nname\",{1}", 4, "sell")]
    // A quote never closed: the rest of the file is one field.
    [InlineData("XOM,Fine,{0}\nXOM,\"Never closed,{1}\nXOM,x,{0}", 3, "last")]
    public async Task ErrorsNameTheLineARecordStartsOn(string rows, int line, string field)
    {
        var quote = new MarketSimulator(Catalog, TimeSpan.FromMilliseconds(250), 11).Tick(new DateTime(2026, 11, 27, 15, 0, 0, DateTimeKind.Utc))[0];
        var good = Rest(quote);
        var bad = Rest(quote with { Sequence = quote.Sequence + 1, Sell = 0 });
        var text = RecordingFormats.CsvHeader + "\n" + string.Format(System.Globalization.CultureInfo.InvariantCulture, rows, good, bad);

        var error = await Assert.ThrowsAsync<RecordingFormatException>(() => RecordingFormats.ReadAsync(new StringReader(text), RecordingFormats.Csv, Catalog, CancellationToken.None));

        Assert.Equal(line, error.Line);
        Assert.Equal(field, error.Field);
        Assert.StartsWith($"Line {line}", error.Message);
    }

    // The fields after symbol and name, in header order.
    private static string Rest(Quote q) => string.Join(',',
        F(q.Last), F(q.Change), F(q.ChangePercent), F(q.Open), F(q.High), F(q.Low), F(q.PreviousClose), q.Volume, q.PreviousVolume,
        F(q.Buy), F(q.Sell), q.Timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture), q.Sequence, q.Session);

    private static string F(double value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
