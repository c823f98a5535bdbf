using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Quartz;
using TickerService.Configuration;
using TickerService.Market;
using TickerService.Pipelines;

namespace TickerService.Server.Feed;

public static class FeedExtensions
{
    /// <summary>
    /// The simulated market, the quote feed and its consumers, and (in simulator mode) the Quartz
    /// schedules: the tick and the session's open and close. All schedules live here.
    /// </summary>
    public static IServiceCollection AddQuoteFeed(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new InstrumentCatalog(Options(sp).EffectiveInstruments));
        services.AddSingleton(sp => new SessionSchedule(Options(sp).Session));
        services.AddSingleton(sp => new QuoteFeed(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp =>
        {
            var options = Options(sp);
            var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
            var open = options.Feed.Mode == FeedMode.Manual || sp.GetRequiredService<SessionSchedule>().IsOpenAt(now);
            return new MarketSimulator(
                sp.GetRequiredService<InstrumentCatalog>(),
                options.Feed.TickInterval,
                options.Feed.Seed ?? Random.Shared.Next(),
                open);
        });
        services.AddSingleton<SimulatedMarket>();
        services.AddSingleton<FeedState>();
        services.AddSingleton<IQuoteSource, SimulatorQuoteSource>();
        services.AddSingleton<LastValueCache>();
        services.AddSingleton<IQuoteConsumer>(sp => sp.GetRequiredService<LastValueCache>());

        // Before Quartz's hosted service, so every consumer is subscribed before the first tick.
        services.AddHostedService<QuotePipelineService>();

        var feed = TryBind(configuration);
        services.AddQuartz(quartz =>
        {
            // A bad interval or cron is left to the options validator, which names the key at start-up.
            if (feed is null || feed.Feed.Mode != FeedMode.Simulator || feed.Feed.TickInterval < TimeSpan.FromMilliseconds(10))
            {
                return;
            }
            quartz.ScheduleJob<TickJob>(trigger => trigger
                .WithIdentity("tick")
                .StartNow()
                .WithSimpleSchedule(schedule => schedule
                    .WithInterval(feed.Feed.TickInterval)
                    .RepeatForever()
                    // A tick missed (a paused process, a long GC) is skipped, not replayed in a burst.
                    .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));

            if (SessionSchedule.TryFindTimeZone(feed.Session.TimeZone, out var zone) && CronExpression.TryParse(feed.Session.OpenCron, out _))
            {
                quartz.AddJob<SessionJob>(job => job.WithIdentity(SessionJob.Name).StoreDurably());
                quartz.AddTrigger<SessionJob>(trigger => trigger
                    .ForJob(SessionJob.Name)
                    .WithIdentity("session-open")
                    .UsingJobData(SessionJob.Action, SessionJob.Open)
                    .WithCronSchedule(feed.Session.OpenCron, cron => cron.InTimeZone(zone).WithMisfireInstruction(CronTriggerMisfireInstruction.DoNothing)));
                if (!string.IsNullOrWhiteSpace(feed.Session.CloseCron) && CronExpression.TryParse(feed.Session.CloseCron, out _))
                {
                    quartz.AddTrigger<SessionJob>(trigger => trigger
                        .ForJob(SessionJob.Name)
                        .WithIdentity("session-close")
                        .UsingJobData(SessionJob.Action, SessionJob.Close)
                        .WithCronSchedule(feed.Session.CloseCron, cron => cron.InTimeZone(zone).WithMisfireInstruction(CronTriggerMisfireInstruction.DoNothing)));
                }
            }
        });
        services.AddQuartzHostedService(options => options.WaitForJobsToComplete = true);
        return services;
    }

    // Null when a value does not convert: binding the options again at start names that key in one line.
    private static TickerOptions? TryBind(IConfiguration configuration)
    {
        try
        {
            return configuration.GetSection(TickerOptions.Section).Get<TickerOptions>() ?? new TickerOptions();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static TickerOptions Options(IServiceProvider services) => services.GetRequiredService<IOptions<TickerOptions>>().Value;
}
