using TickerService.Market;

namespace TickerService.Server.Hub;

/// <summary>What <c>Resume</c> takes (SPEC 11): the symbols, and for some of them the last sequence the client has.</summary>
public sealed record ResumeRequest
{
    public string?[]? Symbols { get; init; }

    public Dictionary<string, long>? After { get; init; }
}

/// <summary>
/// What <c>Resume</c> returns: every quote after the given sequences, oldest first, then live
/// <c>quotes</c> follow with none missed and none repeated. <see cref="Complete"/> is false when
/// the recording could not cover the whole gap (retention, <c>MaxResumeQuotes</c>).
/// </summary>
public sealed record ResumeResult(Quote[] Quotes, bool Complete);
