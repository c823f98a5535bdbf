using System.Reactive.Concurrency;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using TickerService.Market;
using TickerService.Server.Recording;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Replay;

/// <summary>Replay over the real hub and client, from a real SQLite recording; pacing in virtual time.</summary>
public sealed class ReplayHubTests : IAsyncLifetime
{
    private static readonly DateTime Start = ReplaySessionTests.Start;
    private static readonly Quote[] Recorded = ReplaySessionTests.Recorded;

    private readonly HistoricalScheduler _clock = new(DateTimeOffset.UtcNow);
    private readonly TickerServer _server;
    private QuoteClient _client = null!;

    public ReplayHubTests()
    {
        // The recording is from 2020: retention off, or the recorder's first prune deletes it.
        _server = new TickerServer()
            .With("Ticker:Recording:Retention", "00:00:00")
            .With("Ticker:Replay:MaxSpeed", "100")
            .With("Ticker:Replay:MaxConcurrentPerConnection", "2")
            .WithServices(services => services.AddSingleton<IScheduler>(_clock));
    }

    public async Task InitializeAsync()
    {
        _client = await _server.ConnectAsync();
        using var connection = _server.Store.OpenForWriting();
        RecordingStore.Insert(connection, Recorded, ignoreDuplicates: false);
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(Protocols.Both), MemberType = typeof(Protocols))]
    public async Task ReplayReturnsExactlyWhatWasRecorded(string protocol)
    {
        // Ticks of the live feed, recorded by the recorder, then replayed as fast as the client reads.
        await using var client = await _server.ConnectAsync(protocol);
        var from = DateTime.UtcNow.AddMinutes(-1);
        for (var i = 0; i < 10; i++)
        {
            _server.Market.Tick();
        }
        Assert.True(await _server.Recorder.FlushAsync(CancellationToken.None));
        var recorded = _server.Store.Read(null, from, DateTime.UtcNow.AddMinutes(1)).ToList();
        Assert.Equal(15 * 11, recorded.Count);

        var all = await ReadAll(client, new ReplayRequest { Symbols = ["*"], From = from, Speed = 0, ReplayId = "all" });
        var xom = await ReadAll(client, new ReplayRequest { Symbols = ["xom"], From = from, Speed = 0, ReplayId = "xom" });

        Assert.Equal(recorded, all);
        Assert.Equal(recorded.Where(q => q.Symbol == "XOM"), xom);
    }

    [Fact]
    public async Task ARangeWithNoRecordingIsAnEmptyStream()
    {
        var quotes = await ReadAll(_client, new ReplayRequest { Symbols = ["BP"], From = Start, To = Start.AddHours(1), Speed = 1, ReplayId = "none" });

        Assert.Empty(quotes);
    }

    [Fact]
    public async Task TheControlsActOnTheCallersRunningReplay()
    {
        using var cancel = new CancellationTokenSource(TickerServer.Timeout);
        var request = new ReplayRequest { Symbols = ["XOM"], From = Start, To = Start.AddHours(1), Speed = 1, ReplayId = "r" };
        await using var reader = _client.Connection.StreamAsync<Quote>("Replay", request, cancel.Token).GetAsyncEnumerator(cancel.Token);
        Assert.Equal(Recorded[0], await Next(reader));

        // Another connection cannot touch it.
        await using var other = await _server.ConnectAsync();
        var error = await Assert.ThrowsAsync<HubException>(() => other.Connection.InvokeAsync("PauseReplay", "r").WaitAsync(TickerServer.Timeout));
        Assert.Contains("No running replay named 'r' on this connection", error.Message);

        await Invoke("PauseReplay", "r");
        await Invoke("SeekReplay", "r", Recorded[2].Timestamp);
        await Invoke("ResumeReplay", "r");
        Assert.Equal(Recorded[2], await Next(reader));

        await Invoke("SetReplaySpeed", "r", 0.0);
        Assert.Equal(Recorded[3], await Next(reader));
        Assert.False(await reader.MoveNextAsync().AsTask().WaitAsync(TickerServer.Timeout));
        await Eventually.TrueAsync(() => _server.Store.OpenReaders == 0);
    }

    [Fact]
    public async Task EndingTheStreamReleasesTheReader()
    {
        using var cancel = new CancellationTokenSource(TickerServer.Timeout);
        var request = new ReplayRequest { Symbols = ["*"], From = Start, To = Start.AddHours(1), Speed = 1, ReplayId = "r" };
        var reader = _client.Connection.StreamAsync<Quote>("Replay", request, cancel.Token).GetAsyncEnumerator(cancel.Token);
        Assert.Equal(Recorded[0], await Next(reader));
        Assert.Equal(1, _server.Store.OpenReaders);

        await cancel.CancelAsync();

        await Eventually.TrueAsync(() => _server.Store.OpenReaders == 0);
        // The id is free again.
        var again = await ReadAll(_client, request with { Speed = 0 });
        Assert.Equal(Recorded, again);
    }

    public static TheoryData<string, object?> BadRequests() => new()
    {
        { "Unknown symbol(s): FOO", new ReplayRequest { Symbols = ["XOM", "FOO"], From = Start, Speed = 1, ReplayId = "a" } },
        { "Give at least one symbol", new ReplayRequest { Symbols = [], From = Start, Speed = 1, ReplayId = "a" } },
        { "is after to", new ReplayRequest { Symbols = ["XOM"], From = Start.AddHours(1), To = Start, Speed = 1, ReplayId = "a" } },
        { "speed 101 is out of range: give 0 (as fast as you read) up to 100", new ReplayRequest { Symbols = ["XOM"], From = Start, Speed = 101, ReplayId = "a" } },
        { "speed -1 is out of range", new ReplayRequest { Symbols = ["XOM"], From = Start, Speed = -1, ReplayId = "a" } },
        { "Give a replayId", new ReplayRequest { Symbols = ["XOM"], From = Start, Speed = 1, ReplayId = "" } },
        { "Give a replay request", null },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task ABadRequestFailsTheCallWithAClearMessage(string expected, object? request)
    {
        var error = await Assert.ThrowsAsync<HubException>(() => ReadAll(_client, (ReplayRequest?)request));

        Assert.Contains(expected, error.Message);
        Assert.NotNull(await _client.SubscribeAsync("XOM"));
    }

    [Fact]
    public async Task ControlsRejectUnknownIdsAndBadValues()
    {
        var unknown = await Assert.ThrowsAsync<HubException>(() => Invoke("ResumeReplay", "nope"));
        Assert.Contains("No running replay named 'nope' on this connection", unknown.Message);

        using var cancel = new CancellationTokenSource(TickerServer.Timeout);
        var request = new ReplayRequest { Symbols = ["XOM"], From = Start, To = Start.AddHours(1), Speed = 1, ReplayId = "r" };
        await using var reader = _client.Connection.StreamAsync<Quote>("Replay", request, cancel.Token).GetAsyncEnumerator(cancel.Token);
        await Next(reader);

        Assert.Contains("speed 1000 is out of range", (await Assert.ThrowsAsync<HubException>(() => Invoke("SetReplaySpeed", "r", 1000.0))).Message);
        Assert.Contains("Cannot seek to", (await Assert.ThrowsAsync<HubException>(() => Invoke("SeekReplay", "r", Start.AddDays(1)))).Message);
        await cancel.CancelAsync();
    }

    [Fact]
    public async Task DuplicateIdsAndTooManyReplaysAreRefused()
    {
        using var cancel = new CancellationTokenSource(TickerServer.Timeout);
        var request = new ReplayRequest { Symbols = ["XOM"], From = Start, To = Start.AddHours(1), Speed = 1, ReplayId = "one" };
        await using var first = _client.Connection.StreamAsync<Quote>("Replay", request, cancel.Token).GetAsyncEnumerator(cancel.Token);
        await Next(first);

        var duplicate = await Assert.ThrowsAsync<HubException>(() => ReadAll(_client, request));
        Assert.Contains("A replay named 'one' is already running on this connection", duplicate.Message);

        await using var second = _client.Connection.StreamAsync<Quote>("Replay", request with { ReplayId = "two" }, cancel.Token).GetAsyncEnumerator(cancel.Token);
        await Next(second);
        var third = await Assert.ThrowsAsync<HubException>(() => ReadAll(_client, request with { ReplayId = "three" }));
        Assert.Contains("Too many replays: at most 2 at once per connection", third.Message);
        await cancel.CancelAsync();
    }

    private Task Invoke(string method, params object?[] args) =>
        _client.Connection.InvokeCoreAsync(method, args).WaitAsync(TickerServer.Timeout);

    private static async Task<List<Quote>> ReadAll(QuoteClient client, ReplayRequest? request)
    {
        using var cancel = new CancellationTokenSource(TickerServer.Timeout);
        var quotes = new List<Quote>();
        await foreach (var quote in client.Connection.StreamAsync<Quote>("Replay", request, cancel.Token))
        {
            quotes.Add(quote);
        }
        return quotes;
    }

    private static async Task<Quote> Next(IAsyncEnumerator<Quote> reader)
    {
        Assert.True(await reader.MoveNextAsync().AsTask().WaitAsync(TickerServer.Timeout));
        return reader.Current;
    }
}
