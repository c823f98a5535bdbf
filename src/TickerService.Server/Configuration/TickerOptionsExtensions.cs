using Microsoft.Extensions.Options;
using TickerService.Configuration;

namespace TickerService.Server.Configuration;

public static class TickerOptionsExtensions
{
    /// <summary>
    /// Binds the <c>Ticker</c> section and validates it at start-up: a bad value stops the service
    /// with a message naming the key, rather than leaving it half working.
    /// </summary>
    public static IServiceCollection AddTickerOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TickerOptions>()
            .Bind(configuration.GetSection(TickerOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<TickerOptions>, TickerOptionsValidator>();
        return services;
    }
}
