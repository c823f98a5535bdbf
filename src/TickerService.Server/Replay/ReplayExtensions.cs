using System.Reactive.Concurrency;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TickerService.Configuration;
using TickerService.Market;
using TickerService.Pipelines;
using TickerService.Server.Feed;
using TickerService.Server.Health;
using TickerService.Server.Recording;

namespace TickerService.Server.Replay;

public static class ReplayExtensions
{
    /// <summary>
    /// Replays to clients, and in replay mode (<c>Ticker:Feed:Mode=Replay</c>) the recording as the
    /// feed's source in place of the simulator, its symbols as the live instruments (read once,
    /// when the catalog is first needed). Pacing runs on the <see cref="IScheduler"/> (tests put a
    /// virtual one in).
    /// </summary>
    public static IServiceCollection AddReplay(this IServiceCollection services)
    {
        services.TryAddSingleton<IScheduler>(DefaultScheduler.Instance);
        services.AddSingleton<ReplayService>();
        services.AddSingleton(sp => ReplayRecording.Open(Options(sp), sp.GetRequiredService<RecordingStore>()));
        // Into this node's own feed; a cluster puts the quote bus in its place (AddCluster).
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<ReplayQuoteSource>(sp, (IQuoteOutlet)sp.GetRequiredService<QuoteFeed>()));
        services.Replace(ServiceDescriptor.Singleton(sp =>
            IsReplay(sp) ? sp.GetRequiredService<ReplayRecording>().Catalog : new InstrumentCatalog(Options(sp).EffectiveInstruments)));
        services.Replace(ServiceDescriptor.Singleton<IQuoteSource>(sp =>
            IsReplay(sp) ? sp.GetRequiredService<ReplayQuoteSource>() : ActivatorUtilities.CreateInstance<SimulatorQuoteSource>(sp)));
        services.AddHealthChecks().AddCheck<ReplayFeedHealthCheck>("replay", tags: [HealthExtensions.Ready]);
        return services;
    }

    private static TickerOptions Options(IServiceProvider services) => services.GetRequiredService<IOptions<TickerOptions>>().Value;

    private static bool IsReplay(IServiceProvider services) => Options(services).Feed.Mode == FeedMode.Replay;
}
