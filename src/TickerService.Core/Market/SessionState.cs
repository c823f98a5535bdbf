namespace TickerService.Market;

/// <summary>The wire names of a session's state (SPEC: <c>open</c> or <c>closed</c>).</summary>
public static class SessionState
{
    public const string Open = "open";
    public const string Closed = "closed";
}
