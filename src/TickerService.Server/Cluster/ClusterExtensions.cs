using Microsoft.Extensions.DependencyInjection.Extensions;
using TickerService.Configuration;
using TickerService.Market;
using TickerService.Pipelines;
using TickerService.Server.Health;
using TickerService.Server.Observability;
using TickerService.Server.Recording;
using TickerService.Server.Replay;

namespace TickerService.Server.Cluster;

public static class ClusterExtensions
{
    public const string Path = "/api/cluster";

    /// <summary>
    /// With <c>Ticker:Cluster:Redis</c> set: the lease, the quote bus and its reader, and the
    /// simulator's (or the replay's) output redirected to the bus. Without it nothing changes: one node, role "single".
    /// Call after <c>AddQuoteFeed</c> and <c>AddReplay</c>.
    /// </summary>
    public static IServiceCollection AddCluster(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(ClusterOptions.Section).Get<ClusterOptions>() ?? new ClusterOptions();
        services.AddSingleton(new ClusterState(options.NodeName, options.Enabled));
        if (!options.Enabled)
        {
            return services;
        }
        if (options.LeaseTime < TimeSpan.FromMilliseconds(300))
        {
            throw new InvalidOperationException($"Ticker:Cluster:LeaseTime must be at least 300 ms (it is {options.LeaseTime}).");
        }
        var ticker = configuration.GetSection(TickerOptions.Section).Get<TickerOptions>();
        services.AddSingleton(options);
        services.AddSingleton(new ClusterKeys(options.KeyPrefix));
        services.AddSingleton(_ => new BusConnections(options.Redis!));
        services.AddSingleton(sp => new RedisLease(sp.GetRequiredService<BusConnections>().Commands, sp.GetRequiredService<ClusterKeys>(), options.LeaseTime));
        services.AddSingleton<QuoteBusOutlet>();
        // The simulator writes to the bus (on the leader only); the node's feed is fed by the reader.
        services.Replace(ServiceDescriptor.Singleton(sp => new SimulatedMarket(
            sp.GetRequiredService<MarketSimulator>(), sp.GetRequiredService<QuoteBusOutlet>(), sp.GetRequiredService<TimeProvider>())));
        // Replay mode likewise: the leader plays the recording onto the bus (LeaderElection starts it).
        services.Replace(ServiceDescriptor.Singleton(sp =>
        {
            var bus = sp.GetRequiredService<QuoteBusOutlet>();
            return ActivatorUtilities.CreateInstance<ReplayQuoteSource>(sp, (IQuoteOutlet)bus, (Action)bus.PublishFeedStart);
        }));
        if (ticker?.Recording.IsPostgres == true)
        {
            // One store for all: the leader alone records, from the bus (BusRecorder). On SQLite
            // every node records what it reads into its own file, as a single node does.
            services.AddSingleton<ISharedRecording, BusRecorder>();
        }
        services.AddSingleton<QuoteBusReader>();
        services.AddHostedService(sp => sp.GetRequiredService<QuoteBusReader>());
        services.AddHostedService<LeaderElection>();
        services.AddHealthChecks().AddCheck<ClusterHealthCheck>("bus", tags: [HealthExtensions.Ready]);
        return services;
    }

    /// <summary><c>GET /api/cluster</c> and the cluster's metrics.</summary>
    public static IEndpointRouteBuilder MapCluster(this IEndpointRouteBuilder endpoints)
    {
        var state = endpoints.ServiceProvider.GetRequiredService<ClusterState>();
        endpoints.ServiceProvider.GetRequiredService<TickerMetrics>().ObserveCluster(state);
        endpoints.MapGet(Path, () => state.Status).WithName("GetCluster");
        return endpoints;
    }
}
