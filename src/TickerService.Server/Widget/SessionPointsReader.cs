using TickerService.Market;
using TickerService.Server.Recording;

namespace TickerService.Server.Widget;

/// <summary>
/// The current session of one symbol for a sparkline (hub <c>GetSessionPoints</c>): its recorded
/// quotes since the session opened, read a chunk at a time and downsampled as they stream by, so
/// a long session costs the same few points on the wire and little memory here.
/// </summary>
public sealed class SessionPointsReader(InstrumentCatalog catalog, RecordingStore store, SessionOpenTracker session, TimeProvider time)
{
    /// <summary>The most points a client may ask for: far more than a sparkline's width needs.</summary>
    public const int MaxPoints = 1000;

    public SessionPoints Read(string? symbol, int maxPoints)
    {
        if (maxPoints is < 3 or > MaxPoints)
        {
            throw new ClientRequestException($"maxPoints must be from 3 to {MaxPoints}; {maxPoints} was given.");
        }
        if (symbol?.Trim() == Symbols.All)
        {
            throw new ClientRequestException("Give one symbol for session points, not \"*\".");
        }
        var resolved = catalog.Resolve([symbol], 1);
        var name = catalog.Instruments[resolved.Indices().Single()].Symbol;

        var from = session.OpenedAt;
        var to = time.GetUtcNow().UtcDateTime;
        var sampler = new PriceDownsampler(maxPoints);
        foreach (var quote in store.Read([name], from, to))
        {
            sampler.Add(RecordingStore.ToUnixMs(quote.Timestamp), quote.Last);
        }
        return new SessionPoints { Symbol = name, From = from, Points = sampler.Points() };
    }
}
