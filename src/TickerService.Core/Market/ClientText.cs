using System.Globalization;
using System.Text;

namespace TickerService.Market;

/// <summary>
/// Text a client sent, made safe to echo in an error or write to a log: cut to a length, and
/// every control or format character (ESC, NUL, a line break, a bidi override) written as
/// <c>\u001B</c>, so a client can neither flood a log nor forge lines or colours in it.
/// </summary>
public static class ClientText
{
    public static string Printable(string? text, int maxChars)
    {
        if (text is null)
        {
            return "null";
        }
        var shown = text.Length <= maxChars ? text.AsSpan() : text.AsSpan(0, maxChars);
        var printable = new StringBuilder(shown.Length + 16);
        foreach (var c in shown)
        {
            if (char.IsControl(c) || char.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                printable.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                printable.Append(c);
            }
        }
        if (text.Length > maxChars)
        {
            printable.Append(CultureInfo.InvariantCulture, $"... ({text.Length} characters)");
        }
        return printable.ToString();
    }
}
