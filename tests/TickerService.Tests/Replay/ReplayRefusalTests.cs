using TickerService.Server.Recording;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Replay;

/// <summary>
/// Replay mode refuses, at start, a recording it cannot serve: the process ends with one line that
/// names the symbol (or the key) and a non-zero exit code, before anything is published.
/// </summary>
public sealed class ReplayRefusalTests : IDisposable
{
    private readonly string _folder = TempFolder.Create();

    public void Dispose() => TempFolder.Delete(_folder);

    [Fact]
    public async Task AMalformedSymbolIsNamedWithItsLine()
    {
        var good = RecordedBars.Daily("AAPL", "Apple Inc.", 2);
        var bad = RecordedBars.Daily("BAD SYMBOL", "Bad", 1)[0];
        var line = await Refusal([.. good.Select(RecordingFormats.ToJsonLine), RecordingFormats.ToJsonLine(bad)]);

        Assert.Contains("'BAD SYMBOL'", line);
        Assert.Contains("Line 3", line);
    }

    [Fact]
    public async Task ASymbolWhoseSequenceGoesBackIsNamed()
    {
        var msft = RecordedBars.Daily("MSFT", "Microsoft", 3);
        var aapl = RecordedBars.Daily("AAPL", "Apple Inc.", 3);
        aapl[2] = aapl[2] with { Sequence = 1 };
        var line = await Refusal([.. msft.Concat(aapl).Select(RecordingFormats.ToJsonLine)]);

        Assert.Contains("AAPL", line);
        Assert.Contains("Line 6, field 'sequence'", line);
        Assert.DoesNotContain("MSFT", line);
    }

    [Fact]
    public async Task ABrokenInvariantInACsvFileIsNamedWithItsSymbol()
    {
        var aapl = RecordedBars.Daily("AAPL", "Apple Inc.", 3);
        aapl[1] = aapl[1] with { Sell = aapl[1].Buy + 0.01 };
        var file = Path.Combine(_folder, "bars.csv");
        await using (var csv = File.Create(file))
        {
            await RecordingFormats.WriteAsync(csv, aapl, RecordingFormats.Csv, CancellationToken.None);
        }

        var line = await RefusalOf(file);

        Assert.Contains("symbol AAPL", line);
        Assert.Contains("Line 3", line);
    }

    [Fact]
    public async Task SymbolsTheRecordingDoesNotHaveAreNamed()
    {
        var line = await Refusal(RecordedBars.Daily("AAPL", "Apple Inc.", 2).Select(RecordingFormats.ToJsonLine), "--Ticker:Feed:Replay:Symbols:0=NVDA");

        Assert.Contains("Ticker:Feed:Replay:Symbols names NVDA", line);
    }

    [Fact]
    public async Task AMissingFileIsNamed()
    {
        var line = await RefusalOf(Path.Combine(_folder, "missing.jsonl"));

        Assert.Contains("Ticker:Feed:Replay:File", line);
        Assert.Contains("missing.jsonl' does not exist", line);
    }

    private async Task<string> Refusal(IEnumerable<string> lines, params string[] settings)
    {
        var file = Path.Combine(_folder, "recording.jsonl");
        await File.WriteAllLinesAsync(file, lines);
        return await RefusalOf(file, settings);
    }

    private async Task<string> RefusalOf(string file, params string[] settings)
    {
        await using var child = ChildServer.Start(
        [
            "--Ticker:Feed:Mode=Replay", $"--Ticker:Feed:Replay:File={file}",
            $"--Ticker:Recording:Path={Path.Combine(_folder, "ticker.db")}", .. settings,
        ]);

        Assert.NotEqual(0, await child.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var line = Assert.Single(child.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("TickerService cannot start: Ticker:Feed:Replay:", line);
        return line;
    }
}
