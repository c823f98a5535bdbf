using System.Reactive.Concurrency;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using TickerService.Market;
using TickerService.Server.Recording;
using TickerService.Server.Replay;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Replay;

/// <summary>
/// A replay speed is only accepted if the replay can be scheduled at it (issue 9): a tiny speed is
/// refused with a clear message, and nothing inside a running replay ends it with a generic error.
/// </summary>
public sealed class ReplaySpeedLimitTests : IAsyncLifetime
{
    private static readonly DateTime Start = ReplaySessionTests.Start;

    // Two XOM quotes a day apart: at the slowest speed the second is due in a thousand days.
    private static readonly Quote[] Recorded = ReplaySessionTests.Record(0, 24 * 60 * 60 * 1000);

    private readonly TickerServer _server = new TickerServer().With("Ticker:Recording:Retention", "00:00:00");
    private QuoteClient _client = null!;

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
    [InlineData(1e-300)]
    [InlineData(0.0009)]
    [InlineData(double.Epsilon)]
    public async Task ATinySpeedIsRefusedBeforeTheReplayStarts(double speed)
    {
        var request = new ReplayRequest { Symbols = ["XOM"], From = Start, To = Start.AddDays(2), Speed = speed, ReplayId = "slow" };

        var error = await Assert.ThrowsAsync<HubException>(() => ReadAllAsync(request));

        Assert.Contains("is out of range", error.Message);
        Assert.Contains("at least 0.001", error.Message);
    }

    [Fact]
    public async Task SetReplaySpeedRefusesATinySpeedAndTheReplayPlaysOn()
    {
        using var cancel = new CancellationTokenSource(TickerServer.Timeout);
        var request = new ReplayRequest { Symbols = ["XOM"], From = Start, To = Start.AddDays(2), Speed = 1, ReplayId = "r" };
        await using var reader = _client.Connection.StreamAsync<Quote>("Replay", request, cancel.Token).GetAsyncEnumerator(cancel.Token);
        Assert.Equal(Recorded[0], await NextAsync(reader));

        var error = await Assert.ThrowsAsync<HubException>(() => _client.Connection.InvokeAsync("SetReplaySpeed", "r", 1e-300).WaitAsync(TickerServer.Timeout));
        Assert.Contains("at least 0.001", error.Message);

        await _client.Connection.InvokeAsync("SetReplaySpeed", "r", 0.0).WaitAsync(TickerServer.Timeout);
        Assert.Equal(Recorded[1], await NextAsync(reader));
        Assert.False(await reader.MoveNextAsync().AsTask().WaitAsync(TickerServer.Timeout));
    }

    [Fact]
    public async Task TheSlowestSpeedOverALongGapWaitsInsteadOfFailing()
    {
        // The real scheduler: a thousand days is past what a timer takes in one go.
        using var cancel = new CancellationTokenSource(TickerServer.Timeout);
        var request = new ReplayRequest { Symbols = ["XOM"], From = Start, To = Start.AddDays(2), Speed = ReplayService.MinSpeed, ReplayId = "r" };
        await using var reader = _client.Connection.StreamAsync<Quote>("Replay", request, cancel.Token).GetAsyncEnumerator(cancel.Token);
        Assert.Equal(Recorded[0], await NextAsync(reader));

        // Still running: the control finds it and the rest plays.
        await _client.Connection.InvokeAsync("SetReplaySpeed", "r", 0.0).WaitAsync(TickerServer.Timeout);
        Assert.Equal(Recorded[1], await NextAsync(reader));
    }

    [Fact]
    public void ASessionSaturatesAWaitItsClockCannotHold()
    {
        // Below the service's check, the session itself never overflows: the wait is planned, not thrown.
        var clock = new HistoricalScheduler(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var output = Channel.CreateUnbounded<Quote>();
        using var session = new ReplaySession(at => Recorded.Where(q => q.Timestamp >= at), Start, Start.AddDays(2), 1e-300, clock, output.Writer);

        session.Start();
        clock.AdvanceBy(TimeSpan.FromDays(365));

        Assert.True(output.Reader.TryRead(out var first));
        Assert.Equal(Recorded[0], first);
        Assert.False(output.Reader.Completion.IsCompleted);
        session.SetSpeed(0);
        clock.AdvanceBy(TimeSpan.FromTicks(1));
        Assert.True(output.Reader.TryRead(out var second));
        Assert.Equal(Recorded[1], second);
    }

    [Fact]
    public async Task AFailureWhilePlayingReachesTheReaderAsTheErrorItIsGiven()
    {
        // ReplayService gives a client's replay a HubException it can act on (and logs the cause).
        var clock = new HistoricalScheduler(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var output = Channel.CreateUnbounded<Quote>();
        static IEnumerable<Quote> FailingRead(DateTime at)
        {
            yield return Recorded[0];
            throw new IOException("the disk went away");
        }
        using var session = new ReplaySession(FailingRead, Start, Start.AddDays(2), 0, clock, output.Writer,
            readerError: cause => new HubException($"The replay stopped ({cause.GetType().Name})."));

        session.Start();
        clock.AdvanceBy(TimeSpan.FromTicks(1));

        Assert.True(output.Reader.TryRead(out var first));
        Assert.Equal(Recorded[0], first);
        var error = await Assert.ThrowsAsync<HubException>(() => output.Reader.Completion.WaitAsync(TickerServer.Timeout));
        Assert.Equal("The replay stopped (IOException).", error.Message);
    }

    private async Task<List<Quote>> ReadAllAsync(ReplayRequest request)
    {
        using var cancel = new CancellationTokenSource(TickerServer.Timeout);
        var quotes = new List<Quote>();
        await foreach (var quote in _client.Connection.StreamAsync<Quote>("Replay", request, cancel.Token))
        {
            quotes.Add(quote);
        }
        return quotes;
    }

    private static async Task<Quote> NextAsync(IAsyncEnumerator<Quote> reader)
    {
        Assert.True(await reader.MoveNextAsync().AsTask().WaitAsync(TickerServer.Timeout));
        return reader.Current;
    }
}
