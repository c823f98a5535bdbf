namespace TickerService.Server.Plain;

/// <summary>How plain clients are kept alive. Not configuration: the SPEC fixes 5 s; tests shorten it.</summary>
public sealed class PlainStreamOptions
{
    /// <summary>Silence after which a heartbeat is sent (SPEC section 10: 5 s).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);
}
