namespace TickerService.Market;

/// <summary>
/// What a client asked for, checked in one place for every caller (live subscriptions through the
/// <see cref="InstrumentCatalog"/>, recorded data through the instrument registry): an empty list,
/// too many entries, malformed, unknown or history-only symbols each get their own message.
/// Symbols are matched case-insensitively; <c>"*"</c> means every instrument.
/// </summary>
public static class SymbolRequest
{
    // How many offending symbols an error message lists before it says "and N more".
    private const int ListedInErrors = 10;

    // A malformed symbol is echoed so the client can find it, but not at any length, and escaped.
    private const int MaxEchoedSymbol = 24;

    /// <summary>
    /// The normalized symbols asked for, or <c>All = true</c> for <c>"*"</c>. Every entry is checked
    /// even beside <c>"*"</c>, so a typo in <c>["*", "XMO"]</c> is still reported.
    /// </summary>
    /// <param name="isKnown">True for a symbol the caller serves.</param>
    /// <param name="isHistoryOnly">True for a symbol known only from recordings, when the caller serves live quotes.</param>
    public static (bool All, List<string> Symbols) Parse(
        IReadOnlyList<string?>? symbols, int maxSymbols, Func<string, bool> isKnown, Func<string, bool>? isHistoryOnly = null)
    {
        if (symbols is null || symbols.Count == 0)
        {
            throw new ClientRequestException("Give at least one symbol, or [\"*\"] for every instrument.");
        }
        // Checked before any symbol is looked at, so a huge list costs the server nothing.
        if (symbols.Count > maxSymbols)
        {
            throw new ClientRequestException($"Too many symbols: {symbols.Count} given, at most {maxSymbols} per connection.");
        }

        var all = false;
        var found = new List<string>(symbols.Count);
        List<string>? malformed = null;
        List<string>? unknown = null;
        List<string>? historyOnly = null;
        foreach (var raw in symbols)
        {
            var symbol = raw?.Trim().ToUpperInvariant();
            if (symbol == Symbols.All)
            {
                all = true;
            }
            else if (!Symbols.IsWellFormed(symbol))
            {
                (malformed ??= []).Add(raw is null ? "null" : $"'{ClientText.Printable(raw, MaxEchoedSymbol)}'");
            }
            else if (isKnown(symbol!))
            {
                found.Add(symbol!);
            }
            else if (isHistoryOnly?.Invoke(symbol!) == true)
            {
                (historyOnly ??= []).Add(symbol!);
            }
            else
            {
                (unknown ??= []).Add(symbol!);
            }
        }

        if (malformed is not null)
        {
            throw new ClientRequestException($"Malformed symbol(s): {Listing(malformed)}. A symbol is 1 to 12 of A-Z 0-9 . - _ =, or \"*\" for every instrument.");
        }
        if (unknown is not null)
        {
            throw new ClientRequestException($"Unknown symbol(s): {Listing(unknown)}");
        }
        if (historyOnly is not null)
        {
            throw new ClientRequestException(
                $"History-only symbol(s): {Listing(historyOnly)}. They come from recordings and are not quoted live: replay them (Replay, or a widget with replay-from) or read their history (GET /api/quotes/{{symbol}}/history).");
        }
        return (all, found);
    }

    private static string Listing(List<string> items) =>
        items.Count <= ListedInErrors
            ? string.Join(", ", items)
            : $"{string.Join(", ", items.Take(ListedInErrors))} and {items.Count - ListedInErrors} more";
}
