namespace TickerService.Pipelines;

/// <summary>
/// The highest sequence each symbol was recorded with before this process started (the recorder
/// knows it), so a restarted feed continues each symbol's sequence above it instead of starting again.
/// </summary>
public interface ISequenceHistory
{
    IReadOnlyDictionary<string, long> LastSequences { get; }
}
