using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Quartz;
using TickerService.Configuration;
using TickerService.Server.Feed;

namespace TickerService.Server.Configuration;

/// <summary>Checks the whole <c>Ticker</c> section, nested instruments included, naming each bad key.</summary>
internal sealed class TickerOptionsValidator : IValidateOptions<TickerOptions>
{
    public ValidateOptionsResult Validate(string? name, TickerOptions options)
    {
        var failures = new List<string>();
        var instruments = options.EffectiveInstruments;
        // The additional instruments follow the configured (or default) ones: name their own keys.
        var first = instruments.Count - options.AdditionalInstruments.Count;
        for (var i = 0; i < instruments.Count; i++)
        {
            var key = i < first ? $"Ticker:Instruments:{i}" : $"Ticker:AdditionalInstruments:{i - first}";
            Annotations(instruments[i], key, failures);
            if (instruments[i].StartPrice <= 0)
            {
                failures.Add($"{key}:StartPrice must be positive.");
            }
        }
        foreach (var duplicate in instruments.GroupBy(i => i.Symbol).Where(g => g.Count() > 1))
        {
            failures.Add($"Ticker:Instruments{(options.AdditionalInstruments.Count > 0 ? " and Ticker:AdditionalInstruments" : "")}: symbol '{duplicate.Key}' is configured {duplicate.Count()} times.");
        }

        if (options.Feed.TickInterval < TimeSpan.FromMilliseconds(10))
        {
            failures.Add($"Ticker:Feed:TickInterval is {options.Feed.TickInterval}; it must be at least 10 ms.");
        }
        Annotations(options.Limits, "Ticker:Limits", failures);
        Annotations(options.Recording, "Ticker:Recording", failures);
        Annotations(options.Replay, "Ticker:Replay", failures);
        Annotations(options.Feed.Replay, "Ticker:Feed:Replay", failures);
        if (options.Recording.FlushInterval < TimeSpan.FromMilliseconds(1) || options.Recording.FlushInterval > TimeSpan.FromMinutes(1))
        {
            failures.Add($"Ticker:Recording:FlushInterval is {options.Recording.FlushInterval}; it must be between 1 ms and 1 minute.");
        }
        if (!options.Recording.IsPostgres && !string.Equals(options.Recording.Provider, RecordingOptions.Sqlite, StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"Ticker:Recording:Provider is '{options.Recording.Provider}'; it must be Sqlite or Postgres.");
        }
        else if (options.Recording.IsPostgres && string.IsNullOrWhiteSpace(options.Recording.ConnectionString))
        {
            failures.Add("Ticker:Recording:Provider is Postgres but Ticker:Recording:ConnectionString is empty; give an Npgsql connection string such as Host=db;Database=ticker;Username=ticker;Password=....");
        }
        else if (options.Recording.IsPostgres && !IsConnectionString(options.Recording.ConnectionString!))
        {
            failures.Add("Ticker:Recording:ConnectionString is not an Npgsql connection string (key=value pairs separated by ';', such as Host=db;Database=ticker).");
        }
        if (string.IsNullOrWhiteSpace(options.Recording.Path))
        {
            failures.Add("Ticker:Recording:Path is empty; give a file path such as data/ticker.db.");
        }
        if (options.Feed.Mode == FeedMode.Replay && options.Feed.Replay.From > options.Feed.Replay.To)
        {
            failures.Add("Ticker:Feed:Replay:From is after Ticker:Feed:Replay:To.");
        }

        if (!CronExpression.TryParse(options.Session.OpenCron, out _))
        {
            failures.Add($"Ticker:Session:OpenCron '{options.Session.OpenCron}' is not a Quartz cron expression (seconds minutes hours day-of-month month day-of-week).");
        }
        if (!string.IsNullOrWhiteSpace(options.Session.CloseCron) && !CronExpression.TryParse(options.Session.CloseCron, out _))
        {
            failures.Add($"Ticker:Session:CloseCron '{options.Session.CloseCron}' is not a Quartz cron expression.");
        }
        if (!SessionSchedule.TryFindTimeZone(options.Session.TimeZone, out _))
        {
            failures.Add($"Ticker:Session:TimeZone '{options.Session.TimeZone}' is not a known time zone id (for example UTC or America/New_York).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // Parsed, not opened: the value itself is never echoed (it may hold a password).
    private static bool IsConnectionString(string value)
    {
        try
        {
            _ = new Npgsql.NpgsqlConnectionStringBuilder(value);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void Annotations(object target, string path, List<string> failures)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(target, new ValidationContext(target), results, validateAllProperties: true);
        failures.AddRange(results.Select(r => $"{path}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}"));
    }
}
