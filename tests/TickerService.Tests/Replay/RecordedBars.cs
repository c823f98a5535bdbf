using TickerService.Market;

namespace TickerService.Tests.Replay;

/// <summary>Daily quotes of symbols no instrument configures, keeping every SPEC section 1 invariant.</summary>
internal static class RecordedBars
{
    public static readonly DateTime FirstDay = new(2010, 1, 4, 21, 0, 0, DateTimeKind.Utc);

    /// <summary>One quote a weekday from <see cref="FirstDay"/> on, the close moving a cent or two a day.</summary>
    public static Quote[] Daily(string symbol, string name, int days, decimal start = 100m)
    {
        var quotes = new Quote[days];
        var day = FirstDay;
        var previous = start;
        for (var i = 0; i < days; i++)
        {
            var close = previous + (i % 3 == 0 ? -0.01m : 0.02m);
            var change = close - previous;
            quotes[i] = new Quote
            {
                Symbol = symbol, Name = name,
                Last = (double)close, Change = (double)change, ChangePercent = (double)Math.Round(100 * change / previous, 2),
                Open = (double)previous, High = (double)Math.Max(previous, close), Low = (double)Math.Min(previous, close),
                PreviousClose = (double)previous, Volume = 1_000_000 + i, PreviousVolume = 1_000_000 + i - 1,
                Buy = (double)(close + 0.01m), Sell = (double)(close - 0.01m),
                Timestamp = day, Sequence = i + 1, Session = SessionState.Closed,
            };
            previous = close;
            day = day.AddDays(day.DayOfWeek == DayOfWeek.Friday ? 3 : 1);
        }
        return quotes;
    }
}
