using System.ComponentModel.DataAnnotations;

namespace TickerService.Server.Cluster;

/// <summary>The <c>Ticker:Cluster</c> section (SPEC section 12).</summary>
public sealed class ClusterOptions
{
    public const string Section = "Ticker:Cluster";

    /// <summary>A StackExchange.Redis connection string; empty: one node on its own, as before.</summary>
    public string? Redis { get; set; }

    /// <summary>This node's name in <c>/api/cluster</c> and the logs; empty: host name and process id.</summary>
    public string? Node { get; set; }

    /// <summary>How long the leader's lease lasts unless renewed (renewed every third of it): the failover time is about this.</summary>
    public TimeSpan LeaseTime { get; set; } = TimeSpan.FromMilliseconds(2500);

    /// <summary>Entries the quote stream keeps (about: trimmed with <c>MAXLEN ~</c>); one entry is one tick.</summary>
    [Range(100, 100_000_000)]
    public int StreamLength { get; set; } = 10_000;

    /// <summary>Prefix of the Redis keys, so several feeds can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "ticker:";

    public bool Enabled => !string.IsNullOrWhiteSpace(Redis);

    public string NodeName => string.IsNullOrWhiteSpace(Node) ? $"{Environment.MachineName}-{Environment.ProcessId}" : Node;
}
