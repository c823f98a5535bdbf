using TickerService.Server.Widget;

namespace TickerService.Server.Hub;

// Kept apart from QuoteHub.cs: the widget's one read of history. The reader comes as a hub-method
// service parameter, so the hub's constructor stays as it is.
public sealed partial class QuoteHub
{
    /// <summary>
    /// The current session of one symbol, downsampled to at most <paramref name="maxPoints"/>
    /// <c>[unixMilliseconds, last]</c> pairs (SPEC section 5a: the sparkline). The HTTP API is
    /// same-origin only; an embedded widget reaches this through the hub it already uses.
    /// </summary>
    public SessionPoints GetSessionPoints(string? symbol, int maxPoints, SessionPointsReader reader) =>
        reader.Read(symbol, maxPoints);
}
