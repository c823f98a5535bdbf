using System.Text.RegularExpressions;

namespace TickerService.Market;

/// <summary>The shape of a symbol (SPEC section 1): 1 to 12 of A-Z 0-9 . - _ =.</summary>
public static partial class Symbols
{
    public const string Pattern = "^[A-Z0-9._=-]{1,12}$";

    /// <summary>The symbol that stands for every instrument in a subscription.</summary>
    public const string All = "*";

    [GeneratedRegex(Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex Shape();

    public static bool IsWellFormed(string? symbol) => symbol is not null && Shape().IsMatch(symbol);
}
