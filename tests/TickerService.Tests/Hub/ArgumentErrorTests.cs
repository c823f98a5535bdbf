using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using TickerService.Market;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Hub;

/// <summary>
/// Arguments of the wrong type or count (issue 9, item 5) get a HubException that names the
/// method and the argument, on both protocols, from the real .NET client; the connection stays up.
/// </summary>
public sealed class ArgumentErrorTests : IAsyncLifetime
{
    private readonly TickerServer _server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string, string, object?[], string> Invocations()
    {
        var data = new TheoryData<string, string, object?[], string>();
        foreach (var protocol in new[] { "json", "messagepack" })
        {
            data.Add(protocol, "Subscribe", [1], "'Subscribe': argument 1 (symbols) could not be read: give an array of strings.");
            data.Add(protocol, "Subscribe", ["XOM"], "'Subscribe': argument 1 (symbols) could not be read: give an array of strings.");
            data.Add(protocol, "Subscribe", [], "'Subscribe' takes 1 argument(s): symbols (an array of strings); 0 given.");
            data.Add(protocol, "Unsubscribe", [new[] { "XOM" }, 2], "'Unsubscribe' takes 1 argument(s): symbols (an array of strings); 2 given.");
            data.Add(protocol, "GetInstruments", [true], "'GetInstruments' takes 0 argument(s): no arguments; 1 given.");
            data.Add(protocol, "SeekReplay", ["r", "garbage"], "'SeekReplay': argument 2 (at) could not be read: give a timestamp");
            data.Add(protocol, "SetReplaySpeed", ["r", "fast"], "'SetReplaySpeed': argument 2 (speed) could not be read: give a number.");
            data.Add(protocol, "PauseReplay", [new[] { 1, 2 }], "'PauseReplay': argument 1 (replayId) could not be read: give a string.");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Invocations))]
    public async Task AnInvocationWithUnreadableArgumentsNamesTheArgument(string protocol, string method, object?[] arguments, string expected)
    {
        await using var client = await _server.ConnectAsync(protocol);

        var error = await Assert.ThrowsAsync<HubException>(() => client.Connection.InvokeCoreAsync<object>(method, arguments).WaitAsync(TickerServer.Timeout));

        Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), error.Message);
        Assert.DoesNotContain("error on the server", error.Message);
        await AssertStillServes(client);
    }

    public static TheoryData<string, string, object?[], string> Streams()
    {
        var data = new TheoryData<string, string, object?[], string>();
        foreach (var protocol in new[] { "json", "messagepack" })
        {
            data.Add(protocol, "StreamQuotes", [42], "'StreamQuotes': argument 1 (symbols) could not be read: give an array of strings.");
            data.Add(protocol, "StreamQuotes", [], "'StreamQuotes' takes 1 argument(s): symbols (an array of strings); 0 given.");
            data.Add(protocol, "Replay", [Request(from: "garbage")], "'Replay': argument 1 (request) could not be read: give a replay request");
            data.Add(protocol, "Replay", [Request(speed: "fast")], "'Replay': argument 1 (request) could not be read: give a replay request");
        }
        // Over MessagePack a timestamp is a MessagePack timestamp, not an ISO string.
        data.Add("messagepack", "Replay", [Request(from: "2020-01-06T14:00:00Z")], "'Replay': argument 1 (request) could not be read: give a replay request");
        return data;
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public async Task AStreamWithUnreadableArgumentsNamesTheArgument(string protocol, string method, object?[] arguments, string expected)
    {
        await using var client = await _server.ConnectAsync(protocol);
        using var cancel = new CancellationTokenSource(TickerServer.Timeout);

        var error = await Assert.ThrowsAsync<HubException>(async () =>
        {
            await foreach (var _ in client.Connection.StreamAsyncCore<Quote>(method, arguments, cancel.Token))
            {
            }
        });

        Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), error.Message);
        Assert.DoesNotContain("error on the server", error.Message);
        await AssertStillServes(client);
    }

    [Fact]
    public async Task AnUnknownMethodIsNamed()
    {
        await using var client = await _server.ConnectAsync();

        var error = await Assert.ThrowsAsync<HubException>(() => client.Connection.InvokeAsync<object>("NoSuchMethod", 1).WaitAsync(TickerServer.Timeout));

        Assert.Contains("Unknown hub method 'NoSuchMethod'", error.Message);
        await AssertStillServes(client);
    }

    private static Dictionary<string, object?> Request(object? from = null, object? speed = null) => new()
    {
        ["symbols"] = new[] { "XOM" },
        ["from"] = from ?? "2020-01-06T14:00:00Z",
        ["speed"] = speed ?? 1,
        ["replayId"] = "r",
    };

    private static async Task AssertStillServes(QuoteClient client)
    {
        Assert.Equal(HubConnectionState.Connected, client.Connection.State);
        Assert.Equal("XOM", Assert.Single(await client.SubscribeAsync("XOM")).Symbol);
    }
}
