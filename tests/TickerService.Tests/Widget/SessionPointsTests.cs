using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TickerService.Server.Widget;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Widget;

/// <summary>Hub GetSessionPoints: the sparkline's one read, of the current session only, checked like every hub call.</summary>
public sealed class SessionPointsTests : IAsyncLifetime
{
    // The server's clock is the test's: each tick a second apart, so every quote has its own time.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 15, 0, 0, TimeSpan.Zero));
    private readonly TickerServer _server;

    public SessionPointsTests() => _server = new TickerServer().WithServices(services => services.AddSingleton<TimeProvider>(_time));
    private QuoteClient _client = null!;

    public async Task InitializeAsync() => _client = await _server.ConnectAsync();

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task TheCurrentSessionsRecordedPricesComeBackDownsampledAndTheLastSessionStaysOut()
    {
        _server.Market.Tick();
        _time.Advance(TimeSpan.FromSeconds(1));
        await _server.Recorder.FlushAsync(CancellationToken.None);
        _server.Market.OpenSession(); // a new session: what came before is not part of it
        var ticked = Enumerable.Range(0, 30).Select(_ =>
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            return _server.Market.Tick().Single(q => q.Symbol == "XOM");
        }).ToList();
        await _server.Recorder.FlushAsync(CancellationToken.None);

        var session = await _client.Connection.InvokeAsync<SessionPoints>("GetSessionPoints", "xom", 200).WaitAsync(TickerServer.Timeout);
        var few = await _client.Connection.InvokeAsync<SessionPoints>("GetSessionPoints", "XOM", 11).WaitAsync(TickerServer.Timeout);

        Assert.Equal("XOM", session.Symbol);
        Assert.True(session.From <= ticked[0].Timestamp);
        // The open's own quote and the thirty ticks, in time order, ending at the last price.
        Assert.Equal(31, session.Points.Length);
        Assert.Equal(ticked[^1].Last, session.Points[^1][1]);
        Assert.Equal(ticked.Select(q => q.Last), session.Points.Skip(1).Select(p => p[1]));
        Assert.Equal(ticked.Select(q => (double)new DateTimeOffset(q.Timestamp).ToUnixTimeMilliseconds()), session.Points.Skip(1).Select(p => p[0]));
        Assert.InRange(few.Points.Length, 3, 11);
        Assert.Equal(ticked[^1].Last, few.Points[^1][1]);
    }

    [Theory]
    [InlineData("FOO", 100, "Unknown symbol(s): FOO")]
    [InlineData("not a symbol!", 100, "Malformed symbol(s)")]
    [InlineData(null, 100, "Malformed symbol(s): null")]
    [InlineData("*", 100, "Give one symbol for session points")]
    [InlineData("XOM", 1, "maxPoints must be from 3 to 1000; 1 was given.")]
    [InlineData("XOM", 100_000, "maxPoints must be from 3 to 1000")]
    public async Task BadRequestsGetAClearHubExceptionAndTheConnectionStaysUp(string? symbol, int maxPoints, string expected)
    {
        var error = await Assert.ThrowsAsync<HubException>(() =>
            _client.Connection.InvokeAsync<SessionPoints>("GetSessionPoints", symbol, maxPoints).WaitAsync(TickerServer.Timeout));

        Assert.Contains(expected, error.Message);
        Assert.Single(await _client.SubscribeAsync("XOM"));
    }
}
