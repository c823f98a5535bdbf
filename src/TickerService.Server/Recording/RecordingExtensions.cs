using Microsoft.Extensions.Options;
using TickerService.Configuration;
using TickerService.Pipelines;
using TickerService.Server.Health;
using TickerService.Server.Registry;

namespace TickerService.Server.Recording;

public static class RecordingExtensions
{
    /// <summary>
    /// The recording database and the recorder: one more consumer of the feed, a readiness check,
    /// and the source of each symbol's last sequence after a restart.
    /// </summary>
    public static IServiceCollection AddRecording(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IRecordingEngine>(sp =>
        {
            var recording = sp.GetRequiredService<IOptions<TickerOptions>>().Value.Recording;
            if (recording.IsPostgres)
            {
                return new PostgresEngine(recording.ConnectionString!);
            }
            var root = sp.GetRequiredService<IHostEnvironment>().ContentRootPath;
            return new SqliteEngine(Path.GetFullPath(recording.Path, root));
        });
        services.AddSingleton(sp => new RecordingStore(sp.GetRequiredService<IRecordingEngine>()));
        services.AddSingleton<RecordingOutage>();
        services.AddExceptionHandler<RecordingOutageHandler>();
        services.AddSingleton<QuoteRecorder>();
        services.AddSingleton<InstrumentRegistry>();
        services.AddSingleton<RecordingImporter>();
        services.AddSingleton<IQuoteConsumer>(sp => sp.GetRequiredService<QuoteRecorder>());
        services.AddSingleton<ISequenceHistory>(sp => sp.GetRequiredService<QuoteRecorder>());
        // First of all hosted services: it starts first, so the recorded sequences are known before
        // the feed's first publish, and stops last (hosted services stop in reverse order), after
        // Quartz and the feed source, so its final flush holds the last quote.
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(sp => sp.GetRequiredService<QuoteRecorder>()));
        services.AddHealthChecks().AddCheck<RecordingHealthCheck>("recording", tags: [HealthExtensions.Ready]);
        return services;
    }
}
