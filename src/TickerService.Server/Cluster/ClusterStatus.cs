namespace TickerService.Server.Cluster;

/// <summary>What <c>GET /api/cluster</c> answers (SPEC section 12).</summary>
public sealed record ClusterStatus(string Node, string Role, long Epoch, string? Leader)
{
    public const string Single = "single";
    public const string LeaderRole = "leader";
    public const string Follower = "follower";
}
