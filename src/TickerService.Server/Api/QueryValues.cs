using System.Globalization;

namespace TickerService.Server.Api;

/// <summary>
/// Query-string values read by the API itself rather than by minimal-API binding, which answers a
/// value it cannot convert (<c>limit=abc</c>, <c>from=garbage</c>) with a bare 400 and no body.
/// Here a bad value throws <see cref="BadQueryException"/> naming the parameter and what it takes.
/// </summary>
public static class QueryValues
{
    private const string TimeForm = "an ISO-8601 time such as 2026-12-01T14:30:00.000Z (UTC unless it carries an offset)";

    /// <summary>A time, in UTC; null when the parameter is absent or empty.</summary>
    public static DateTime? Time(string? raw, string parameter)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }
        // AdjustToUniversal: an offset is honoured; a time that would leave year 1 to 9999 in UTC fails to parse.
        if (DateTime.TryParse(raw.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            return DateTime.SpecifyKind(value, DateTimeKind.Utc);
        }
        throw new BadQueryException(parameter, $"{parameter} '{Shown(raw)}' is not a time: give {TimeForm}.");
    }

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>; <paramref name="fallback"/> when absent.</summary>
    public static int Count(string? raw, string parameter, int min, int max, int fallback)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return fallback;
        }
        // Parsed as a long so that 2147483648 is "out of range", not "not a number".
        if (!long.TryParse(raw.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw new BadQueryException(parameter, $"{parameter} '{Shown(raw)}' is not a whole number: give {min} to {max}.");
        }
        if (value < min || value > max)
        {
            throw new BadQueryException(parameter, $"{parameter} {value} is out of range: give {min} to {max}.");
        }
        return (int)value;
    }

    /// <summary>One of <paramref name="accepted"/> (case-insensitive); <paramref name="fallback"/> when absent.</summary>
    public static string Choice(string? raw, string parameter, string fallback, params string[] accepted)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return fallback;
        }
        var value = raw.Trim().ToLowerInvariant();
        return accepted.Contains(value)
            ? value
            : throw new BadQueryException(parameter, $"{parameter} '{Shown(raw)}' is not served: give {string.Join(" or ", accepted)}.");
    }

    /// <summary>A tick size: a decimal from 0.00000001 to 1000000, as <c>Ticker:Instruments:N:TickSize</c> takes.</summary>
    public static decimal TickSize(string raw, string parameter) =>
        decimal.TryParse(raw.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && value >= 0.00000001m && value <= 1_000_000m
            ? value
            : throw new BadQueryException(parameter, $"{parameter} '{Shown(raw)}' is not a tick size: give a decimal from 0.00000001 to 1000000, such as 0.01.");

    /// <summary>A range whose end defaults to <paramref name="now"/>; the start must not be after the end.</summary>
    public static (DateTime From, DateTime To) Range(string? from, string? to, DateTime now, Func<DateTime, DateTime> defaultFrom)
    {
        var end = Time(to, "to") ?? now;
        var start = Time(from, "from") ?? defaultFrom(end);
        return start <= end
            ? (start, end)
            : throw new BadQueryException("from", $"from ({start:O}) is after to ({end:O}).");
    }

    // What the client sent, cut short and with control characters escaped, fit to echo in an error.
    private static string Shown(string raw)
    {
        const int MaxShown = 40;
        var text = raw.Length > MaxShown ? raw[..MaxShown] + "…" : raw;
        return string.Concat(text.Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));
    }
}
