namespace TickerService.Pipelines;

/// <summary>
/// The last sequence each symbol was published with before this process started (the recorder
/// knows it), so a restarted feed continues each symbol's sequence instead of starting again.
/// </summary>
public interface ISequenceHistory
{
    IReadOnlyDictionary<string, long> LastSequences { get; }
}
