namespace TickerService.Pipelines;

public static class ObservableExtensions
{
    /// <summary>
    /// Subscribes a consumer so that its failure stays its own: an exception from
    /// <paramref name="onNext"/> is handed to <paramref name="onFault"/> and the consumer stays
    /// subscribed, so one broken consumer never stops the feed or starves the others (a Subject
    /// would otherwise throw into the publisher and skip the observers after it).
    /// </summary>
    public static IDisposable SubscribeIsolated<T>(this IObservable<T> source, Action<T> onNext, Action<Exception> onFault) =>
        source.Subscribe(
            value =>
            {
                try
                {
                    onNext(value);
                }
                catch (Exception exception)
                {
                    onFault(exception);
                }
            },
            onFault);
}
