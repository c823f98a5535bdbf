using System.Reactive.Concurrency;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TickerService.Configuration;
using TickerService.Server.Feed;
using TickerService.Server.Health;

namespace TickerService.Server.Replay;

public static class ReplayExtensions
{
    /// <summary>
    /// Replays to clients, and in replay mode (<c>Ticker:Feed:Mode=Replay</c>) the recording as the
    /// feed's source in place of the simulator. Pacing runs on the <see cref="IScheduler"/> (tests
    /// put a virtual one in).
    /// </summary>
    public static IServiceCollection AddReplay(this IServiceCollection services)
    {
        services.TryAddSingleton<IScheduler>(DefaultScheduler.Instance);
        services.AddSingleton<ReplayService>();
        services.AddSingleton<ReplayQuoteSource>();
        services.Replace(ServiceDescriptor.Singleton<IQuoteSource>(sp =>
            sp.GetRequiredService<IOptions<TickerOptions>>().Value.Feed.Mode == FeedMode.Replay
                ? sp.GetRequiredService<ReplayQuoteSource>()
                : ActivatorUtilities.CreateInstance<SimulatorQuoteSource>(sp)));
        services.AddHealthChecks().AddCheck<ReplayFeedHealthCheck>("replay", tags: [HealthExtensions.Ready]);
        return services;
    }
}
