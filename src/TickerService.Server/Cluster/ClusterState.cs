namespace TickerService.Server.Cluster;

/// <summary>
/// This node's place in the cluster: its role, the epoch (fencing token) of the current lease and
/// who holds it. Written by <see cref="LeaderElection"/>, read by the bus outlet on every tick,
/// by <c>/api/cluster</c> and by the metrics.
/// </summary>
public sealed class ClusterState(string node, bool clustered)
{
    private readonly Lock _gate = new();
    private ClusterStatus _status = new(node, clustered ? ClusterStatus.Follower : ClusterStatus.Single, 0, null);
    private volatile string? _holding;
    private long _takeovers;

    public string Node => node;

    public ClusterStatus Status
    {
        get
        {
            lock (_gate)
            {
                return _status;
            }
        }
    }

    /// <summary>The lease value (<c>node|epoch</c>) this node holds while it leads; null otherwise.</summary>
    public string? Holding => _holding;

    public bool IsLeader => _holding is not null;

    public long Takeovers => Interlocked.Read(ref _takeovers);

    public void BecameLeader(string holding, long epoch)
    {
        lock (_gate)
        {
            _status = _status with { Role = ClusterStatus.LeaderRole, Epoch = epoch, Leader = node };
            _holding = holding;
        }
        Interlocked.Increment(ref _takeovers);
    }

    /// <summary>Stops producing; returns whether this node was leading.</summary>
    public bool SteppedDown()
    {
        lock (_gate)
        {
            var was = _holding is not null;
            _holding = null;
            _status = _status with { Role = ClusterStatus.Follower };
            return was;
        }
    }

    /// <summary>Who holds the lease as a follower sees it (null: nobody right now).</summary>
    public void Observed(string? leader, long epoch)
    {
        lock (_gate)
        {
            if (_holding is null)
            {
                _status = _status with { Leader = leader, Epoch = Math.Max(epoch, _status.Epoch) };
            }
        }
    }
}
