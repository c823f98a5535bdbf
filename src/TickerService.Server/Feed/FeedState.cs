using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using TickerService.Configuration;
using TickerService.Server.Hub;

namespace TickerService.Server.Feed;

/// <summary>
/// What drives the live feed and, in replay mode, the recorded time it has reached (SPEC section 9).
/// The source moves <see cref="Played"/> on as it publishes (a field write, nothing allocated) and
/// calls <see cref="Announce"/> when it starts a pass, which sends <c>feed</c> to every client.
/// </summary>
public sealed partial class FeedState(
    IOptions<TickerOptions> options,
    TimeProvider time,
    IHubContext<QuoteHub> hub,
    ILogger<FeedState> logger)
{
    // Ticks of the recorded time reached (replay mode); 0 before the source says.
    private long _at;

    private FeedOptions Feed => options.Value.Feed;

    public bool IsReplay => Feed.Mode == FeedMode.Replay;

    public FeedStatus Current
    {
        get
        {
            if (!IsReplay)
            {
                return new FeedStatus { Mode = FeedStatus.Simulator, Speed = null, InstantsPerSecond = null, At = time.GetUtcNow().UtcDateTime };
            }
            var perSecond = Feed.Replay.InstantsPerSecond;
            return new FeedStatus
            {
                Mode = FeedStatus.Replay,
                Speed = perSecond > 0 ? null : Feed.Replay.Speed,
                InstantsPerSecond = perSecond > 0 ? perSecond : null,
                At = new DateTime(Interlocked.Read(ref _at), DateTimeKind.Utc),
            };
        }
    }

    /// <summary>The replay has published the quotes recorded at <paramref name="at"/>.</summary>
    public void Played(DateTime at) => Interlocked.Exchange(ref _at, at.Ticks);

    /// <summary>
    /// Sends <c>feed</c> to every connected client, in the background: the caller (the feed's
    /// thread) never waits on a client. SignalR serializes the message once per protocol for all.
    /// </summary>
    public void Announce() => _ = AnnounceAsync(Current);

    private async Task AnnounceAsync(FeedStatus status)
    {
        try
        {
            await hub.Clients.All.SendAsync(ClientMethods.Feed, status).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            LogAnnounceFailed(exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending the feed status to clients failed; they can still ask GetFeed()")]
    private partial void LogAnnounceFailed(Exception exception);
}
