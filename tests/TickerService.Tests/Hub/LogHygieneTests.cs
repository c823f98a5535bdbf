using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using TickerService.Server.Hub;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Hub;

/// <summary>
/// Clients cannot flood or forge the log (issue 9, item 4): a client's mistake is one short
/// Information line without a stack trace, its text cut and escaped, at a limited rate; an
/// oversize message's close is logged once. Logs are captured by a real provider, under the
/// service's own appsettings filters.
/// </summary>
public sealed class LogHygieneTests : IAsyncLifetime
{
    private readonly CapturedLogs _logs = new();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly TickerServer _server;

    public LogHygieneTests()
    {
        _server = new TickerServer()
            .With("Logging:LogLevel:Default", "Debug")
            .With("Ticker:Limits:MaxHubMessageBytes", "65536")
            .WithServices(services =>
            {
                services.AddSingleton<ILoggerProvider>(_logs);
                // Only the log's rate limit runs on the fake clock.
                services.AddSingleton(sp => new ClientErrorLog(sp.GetRequiredService<ILogger<ClientErrorLog>>(), _clock));
            });
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ABadCallIsOneShortEscapedInformationLineWithoutAStackTrace()
    {
        await using var client = await _server.ConnectAsync();
        var hostile = "\u001b[31m\0FAKE\nERROR " + new string('A', 30_000);

        await Assert.ThrowsAsync<HubException>(() => client.SubscribeAsync(hostile));
        await Assert.ThrowsAsync<HubException>(() => client.Connection.InvokeAsync<object>("Subscribe", 42).WaitAsync(TickerServer.Timeout));

        var entries = ClientErrors();
        Assert.Equal(2, entries.Count);
        Assert.All(entries, entry =>
        {
            Assert.Equal(LogLevel.Information, entry.Level);
            Assert.Null(entry.Exception);
            Assert.True(entry.Message.Length < 600, $"{entry.Message.Length} characters logged");
        });
        Assert.Contains(@"\u001B[31m\u0000FAKE\u000AERROR", entries[0].Message);
        Assert.Contains("'Subscribe': argument 1 (symbols) could not be read", entries[1].Message);
        // Nothing else logged the calls: no Warning or Error, no stack trace, no raw control character.
        Assert.DoesNotContain(_logs.Entries, entry => entry.Level >= LogLevel.Warning);
        Assert.DoesNotContain(_logs.Entries, entry => entry.Exception is not null);
        Assert.DoesNotContain(_logs.Entries, entry => entry.Message.Any(c => c is '\u001b' or '\0'));
    }

    [Fact]
    public async Task RepeatedMistakesAreRateLimitedWithACountOfWhatWasLeftOut()
    {
        await using var flooder = await _server.ConnectAsync();
        await using var other = await _server.ConnectAsync();

        for (var i = 0; i < 20; i++)
        {
            await Assert.ThrowsAsync<HubException>(() => flooder.SubscribeAsync("NOPE"));
        }
        await Assert.ThrowsAsync<HubException>(() => other.SubscribeAsync("NOPE"));

        // Three from the flooder, then it is quiet; another connection is still heard.
        Assert.Equal(3, ClientErrors(flooder).Count);
        Assert.Single(ClientErrors(other));
        Assert.Contains(_logs.Entries, entry => entry.Message.StartsWith("17 similar messages suppressed", StringComparison.Ordinal));

        _clock.Advance(TimeSpan.FromMinutes(1));
        await Assert.ThrowsAsync<HubException>(() => flooder.SubscribeAsync("NOPE"));
        Assert.Equal(4, ClientErrors(flooder).Count);
    }

    [Fact]
    public async Task AnOversizedMessageIsLoggedOnceWhenItClosesTheConnection()
    {
        await using var limited = new TickerServer()
            .With("Logging:LogLevel:Default", "Debug")
            .With("Ticker:Limits:MaxHubMessageBytes", "2048")
            .WithServices(services => services.AddSingleton<ILoggerProvider>(_logs));
        await using var offender = await limited.ConnectAsync();
        var id = offender.Connection.ConnectionId!;

        await Assert.ThrowsAnyAsync<Exception>(() => offender.SubscribeAsync(Enumerable.Repeat("XOM", 1000).ToArray()));
        await Eventually.TrueAsync(() => offender.Connection.State == HubConnectionState.Disconnected);
        await Eventually.TrueAsync(() => ClientErrors().Any(entry => entry.Message.Contains(id, StringComparison.Ordinal)));

        var closed = Assert.Single(ClientErrors(), entry => entry.Message.Contains(id, StringComparison.Ordinal));
        Assert.Equal(LogLevel.Information, closed.Level);
        Assert.Null(closed.Exception);
        Assert.Contains("The maximum message size of 2048B was exceeded", closed.Message);
        Assert.Contains("Ticker:Limits:MaxHubMessageBytes", closed.Message);
        Assert.DoesNotContain(_logs.Entries, entry => entry.Level >= LogLevel.Warning);
    }

    private List<LogEntry> ClientErrors(QuoteClient? client = null) =>
        [.. _logs.Entries.Where(entry => entry.Category == typeof(ClientErrorLog).FullName
            && !entry.Message.Contains("suppressed", StringComparison.Ordinal)
            && (client is null || entry.Message.Contains(client.Connection.ConnectionId!, StringComparison.Ordinal)))];
}
