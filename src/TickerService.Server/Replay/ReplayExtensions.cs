using System.Reactive.Concurrency;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace TickerService.Server.Replay;

public static class ReplayExtensions
{
    /// <summary>Replays to clients; their pacing runs on the <see cref="IScheduler"/> (tests put a virtual one in).</summary>
    public static IServiceCollection AddReplay(this IServiceCollection services)
    {
        services.TryAddSingleton<IScheduler>(DefaultScheduler.Instance);
        services.AddSingleton<ReplayService>();
        return services;
    }
}
