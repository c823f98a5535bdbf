namespace TickerService.Server.Recording;

/// <summary>
/// Reads the ISO-8601 timestamps that price files carry (<c>2024-01-02T14:30:00Z</c>, with a space
/// for the T, seconds optional, a fraction, <c>Z</c>, an offset such as <c>-05:00</c>, or none, which
/// means UTC) by position: a year of minute bars is 100,000 of them, and the general
/// <see cref="DateTimeOffset.TryParse(ReadOnlySpan{char}, IFormatProvider?, System.Globalization.DateTimeStyles, out DateTimeOffset)"/>
/// spends most of the file's parse time on them. Anything it does not recognise (or a value out of
/// range) returns false, and the caller asks the general parser, so the two agree on every input
/// this one accepts (a test holds them to it).
/// </summary>
public static class IsoTimestamp
{
    private static readonly TimeSpan MaxOffset = TimeSpan.FromHours(14);

    public static bool TryParse(ReadOnlySpan<char> s, out DateTime utc)
    {
        utc = default;
        if (s.Length < 16 || s[4] != '-' || s[7] != '-' || s[10] is not ('T' or ' ') || s[13] != ':' ||
            !Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day) ||
            !Digits(s, 11, 2, out var hour) || !Digits(s, 14, 2, out var minute))
        {
            return false;
        }
        var i = 16;
        var second = 0;
        long fraction = 0; // in ticks (100 ns)
        if (i < s.Length && s[i] == ':')
        {
            if (!Digits(s, 17, 2, out second))
            {
                return false;
            }
            i = 19;
            if (i < s.Length && s[i] == '.')
            {
                var digits = 0;
                for (i++; i < s.Length && char.IsAsciiDigit(s[i]); i++, digits++)
                {
                    if (digits == 7)
                    {
                        return false; // finer than a tick: the general parser decides
                    }
                    fraction = fraction * 10 + (s[i] - '0');
                }
                if (digits == 0)
                {
                    return false;
                }
                for (; digits < 7; digits++)
                {
                    fraction *= 10;
                }
            }
        }
        if (!Offset(s[i..], out var offset) || month is < 1 or > 12 || year < 1 || day < 1 ||
            day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }
        var ticks = new DateTime(year, month, day, hour, minute, second).Ticks + fraction - offset.Ticks;
        if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks)
        {
            return false;
        }
        utc = new DateTime(ticks, DateTimeKind.Utc);
        return true;
    }

    // Nothing (UTC), Z, or ±HH:mm, ±HHmm, ±HH.
    private static bool Offset(ReadOnlySpan<char> s, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        if (s.IsEmpty || s is "Z")
        {
            return true;
        }
        if (s[0] is not ('+' or '-') || !Digits(s, 1, 2, out var hours))
        {
            return false;
        }
        var minutes = 0;
        var ok = s.Length switch
        {
            3 => true,
            5 => Digits(s, 3, 2, out minutes),
            6 => s[3] == ':' && Digits(s, 4, 2, out minutes),
            _ => false,
        };
        offset = new TimeSpan(hours, minutes, 0) * (s[0] == '-' ? -1 : 1);
        return ok && minutes < 60 && offset.Duration() <= MaxOffset;
    }

    private static bool Digits(ReadOnlySpan<char> s, int start, int count, out int value)
    {
        value = 0;
        if (start + count > s.Length)
        {
            return false;
        }
        foreach (var c in s.Slice(start, count))
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
            value = value * 10 + (c - '0');
        }
        return true;
    }
}
