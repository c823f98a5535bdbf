using System.Data.Common;
using Microsoft.Extensions.Options;
using TickerService.Configuration;
using TickerService.Market;
using TickerService.Server.Recording;
using TickerService.Server.Registry;

namespace TickerService.Server.Configuration;

public static class StartupExtensions
{
    /// <summary>The exit code of a start refused for its configuration.</summary>
    public const int ConfigurationError = 2;

    /// <summary>
    /// Checks the configuration before anything uses it. A bad setting is one line on stderr naming
    /// the key, and false: the caller ends the process with <see cref="ConfigurationError"/>. No
    /// stack trace, which would bury the line that matters.
    /// </summary>
    /// <remarks>
    /// Called right after the app is built: mapping the hub already builds the services that read
    /// the options, and an exception out of the host's start is logged with its stack trace. Reading
    /// the options binds and validates them (a value that does not convert, or one the validator
    /// refuses); building the instrument catalog reads the replay source in replay mode, which
    /// refuses a recording it cannot serve.
    /// </remarks>
    public static bool ConfigurationIsValid(this WebApplication app)
    {
        try
        {
            _ = app.Services.GetRequiredService<IOptions<TickerOptions>>().Value;
            _ = app.Services.GetRequiredService<InstrumentCatalog>();
            // The registry reads the recording's instruments: a store that cannot be reached at
            // start (PostgreSQL down, a wrong connection string) stops the start with one line.
            _ = app.Services.GetRequiredService<InstrumentRegistry>();
            return true;
        }
        catch (DbException exception)
        {
            var store = app.Services.GetRequiredService<RecordingStore>().Name;
            Console.Error.WriteLine($"TickerService cannot start: the recording store ({store}, Ticker:Recording) cannot be read: {exception.Message}");
            return false;
        }
        catch (Exception exception) when (Explain(exception) is { } line)
        {
            Console.Error.WriteLine($"TickerService cannot start: {line}");
            return false;
        }
    }

    /// <summary>One line for a configuration error; null for anything else (a bug: let it surface whole).</summary>
    private static string? Explain(Exception exception) => exception switch
    {
        OptionsValidationException validation => string.Join(" ", validation.Failures),
        TickerConfigurationException refused => refused.Message,
        // The binder's "Failed to convert configuration value 'soon' at 'Ticker:Feed:TickInterval' to
        // type 'System.TimeSpan'.", with the converter's reason inside.
        InvalidOperationException binding when binding.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) =>
            binding.InnerException is { } inner ? $"{binding.Message} {inner.Message}" : binding.Message,
        _ => null,
    };
}
