using TickerService.Market;

namespace TickerService.Pipelines;

/// <summary>
/// One consumer of the quote feed (the cache, the broadcaster, the recorder). The pipeline
/// subscribes each one apart, so a consumer that throws is logged and the others go on.
/// Calls come one at a time, on the feed's thread: a consumer hands slow work elsewhere.
/// </summary>
public interface IQuoteConsumer
{
    void OnQuotes(IReadOnlyList<Quote> batch);

    void OnSession(SessionEvent session)
    {
    }
}
