using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using TickerService.Configuration;
using TickerService.Market;
using TickerService.Server.Hub;
using TickerService.Server.Recording;
using TickerService.Server.Registry;

namespace TickerService.Server.Replay;

/// <summary>
/// Replays to one client: checks a <see cref="ReplayRequest"/> (eagerly, so a bad one fails the
/// call instead of yielding an empty stream), starts a <see cref="ReplaySession"/> on the recording,
/// and finds a connection's own running replays for the control methods.
/// </summary>
public sealed class ReplayService(
    RecordingStore store,
    InstrumentRegistry registry,
    IScheduler scheduler,
    TimeProvider time,
    IOptions<TickerOptions> options,
    RecordingOutage outage,
    ILogger<ReplayService> logger)
{
    public const int MaxReplayIdLength = 64;

    /// <summary>
    /// The slowest pace a client may ask for (a thousand times slower than recorded time), besides 0.
    /// Slower, a recorded gap of a day would last millennia: nothing a person waits for, and past
    /// what the scheduler's clock can hold.
    /// </summary>
    public const double MinSpeed = 0.001;

    // A replay runs ahead of the client by at most this many quotes.
    private const int OutputCapacity = 256;

    private static readonly object ReplaysKey = new();

    private ReplayOptions Limits => options.Value.Replay;

    public ChannelReader<Quote> Start(HubCallerContext context, ReplayRequest? request, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            throw new ClientRequestException("Give a replay request: { symbols, from, to, speed, replayId }.");
        }
        var id = CheckId(request.ReplayId);
        // Live and history-only symbols alike; null ("*"): every recorded symbol.
        var filter = registry.Resolve(request.Symbols, options.Value.Limits.MaxSymbolsPerConnection);
        var from = Utc(request.From);
        var to = request.To is { } end ? Utc(end) : time.GetUtcNow().UtcDateTime;
        if (from > to)
        {
            throw new ClientRequestException($"from ({from:O}) is after to ({to:O}): give a range that starts before it ends.");
        }
        CheckSpeed(request.Speed);

        var replays = Replays(context);
        var channel = Channel.CreateBounded<Quote>(new BoundedChannelOptions(OutputCapacity) { SingleReader = true, SingleWriter = true });
        ReplaySession session = null!;
        session = new ReplaySession(
            at => store.Read(filter, at, to),
            from,
            to,
            request.Speed,
            scheduler,
            channel.Writer,
            () => replays.TryRemove(new KeyValuePair<string, ReplaySession>(id, session)),
            exception => Failed(id, exception));
        lock (replays)
        {
            if (replays.ContainsKey(id))
            {
                throw new ClientRequestException($"A replay named '{id}' is already running on this connection: choose another replayId.");
            }
            if (replays.Count >= Limits.MaxConcurrentPerConnection)
            {
                throw new ClientRequestException(
                    $"Too many replays: at most {Limits.MaxConcurrentPerConnection} at once per connection. End one before starting another.");
            }
            replays[id] = session;
        }
        cancellationToken.Register(session.Dispose);
        session.Start();
        return channel.Reader;
    }

    public void Pause(HubCallerContext context, string? replayId) => Find(context, replayId).Pause();

    public void Resume(HubCallerContext context, string? replayId) => Find(context, replayId).Resume();

    public void Seek(HubCallerContext context, string? replayId, DateTime at)
    {
        var session = Find(context, replayId);
        var utc = Utc(at);
        if (utc < session.From || utc > session.To)
        {
            throw new ClientRequestException($"Cannot seek to {utc:O}: the replay covers {session.From:O} to {session.To:O}.");
        }
        session.Seek(utc);
    }

    public void SetSpeed(HubCallerContext context, string? replayId, double speed)
    {
        var session = Find(context, replayId);
        CheckSpeed(speed);
        session.SetSpeed(speed);
    }

    // The reader is a client: it gets a message it can act on, not "an error on the server";
    // the cause, which may name server paths, goes to the log.
    private HubException Failed(string id, Exception exception)
    {
        var shown = ClientText.Printable(id, MaxReplayIdLength);
        if (outage.Explains(exception, $"Replay {shown}"))
        {
            return new HubException($"The replay '{shown}' stopped. {RecordingOutage.Message}");
        }
        logger.LogError(exception, "Replay {ReplayId} stopped: it could not play on", shown);
        return new HubException($"The replay '{shown}' stopped: the server could not play the recording on. Start it again, or report it if it happens again.");
    }

    private ReplaySession Find(HubCallerContext context, string? replayId)
    {
        var id = CheckId(replayId);
        return Replays(context).TryGetValue(id, out var session)
            ? session
            : throw new ClientRequestException($"No running replay named '{id}' on this connection (it may have ended).");
    }

    private void CheckSpeed(double speed)
    {
        if (speed != 0 && !(speed >= MinSpeed && speed <= Limits.MaxSpeed))
        {
            throw new ClientRequestException(
                $"speed {speed.ToString(System.Globalization.CultureInfo.InvariantCulture)} is out of range: give 0 (as fast as you read) up to {Limits.MaxSpeed.ToString(System.Globalization.CultureInfo.InvariantCulture)}; other than 0, at least {MinSpeed.ToString(System.Globalization.CultureInfo.InvariantCulture)} (a thousand times slower than recorded time).");
        }
    }

    private static string CheckId(string? replayId)
    {
        if (string.IsNullOrWhiteSpace(replayId) || replayId.Length > MaxReplayIdLength)
        {
            throw new ClientRequestException($"Give a replayId of 1 to {MaxReplayIdLength} characters to name the replay.");
        }
        return replayId;
    }

    private static DateTime Utc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Local => value.ToUniversalTime(),
        DateTimeKind.Unspecified => DateTime.SpecifyKind(value, DateTimeKind.Utc),
        _ => value,
    };

    private static ConcurrentDictionary<string, ReplaySession> Replays(HubCallerContext context) =>
        (ConcurrentDictionary<string, ReplaySession>)context.Items.GetOrAdd(ReplaysKey, static _ => new ConcurrentDictionary<string, ReplaySession>(StringComparer.Ordinal))!;
}
