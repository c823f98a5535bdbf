using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using TickerService.Server.Plain;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Deploy;

/// <summary>
/// Clients of every transport through a real nginx running deploy/nginx.conf in front of two real
/// nodes: the plain WebSocket is upgraded, Server-Sent Events stream, and
/// SignalR's long polling works at all (negotiate and every poll reach the same node).
/// One cluster for the class: nothing here stops a node.
/// </summary>
public sealed class NginxFrontTests(NginxFrontTests.Fixture fixture) : IClassFixture<NginxFrontTests.Fixture>
{
    private const string Symbol = "XOM";

    [SkippableFact]
    public async Task The_plain_websocket_is_upgraded_through_nginx_and_streams_quotes()
    {
        var cluster = await fixture.ClusterAsync();
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new UriBuilder(cluster.Nginx.BaseAddress) { Scheme = "ws", Path = PlainStreamExtensions.WebSocketPath }.Uri, CancellationToken.None)
            .WaitAsync(TickerServer.Timeout);
        await socket.SendAsync(Encoding.UTF8.GetBytes($$"""{"op":"subscribe","symbols":["{{Symbol}}"]}"""), WebSocketMessageType.Text, true, CancellationToken.None);

        Assert.Equal("snapshot", (await ReceiveAsync(socket, "snapshot")).GetProperty("type").GetString());
        var first = await ReceiveAsync(socket, "quotes");
        var second = await ReceiveAsync(socket, "quotes");
        Assert.True(Sequence(second) > Sequence(first), "The quotes did not move on through nginx.");
    }

    [SkippableFact]
    public async Task Server_sent_events_stream_through_nginx()
    {
        var cluster = await fixture.ClusterAsync();
        using var http = new HttpClient { BaseAddress = cluster.Nginx.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        using var response = await http.GetAsync($"{PlainStreamExtensions.EventStreamPath}?symbols={Symbol}", HttpCompletionOption.ResponseHeadersRead)
            .WaitAsync(TickerServer.Timeout);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        // The snapshot, then quotes as the ticks come (five a second).
        Assert.Equal("snapshot", await NextEventAsync(reader));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("quotes", await NextEventAsync(reader));
        }
    }

    [SkippableFact]
    public async Task A_long_polling_signalr_client_works_through_nginx()
    {
        var cluster = await fixture.ClusterAsync();
        await using var client = await LongPollingClient.ConnectAsync(cluster.Nginx.BaseAddress, Symbol);
        await Eventually.TrueAsync(() => client.Sequences(Symbol).Length >= 5);

        var sequences = client.Sequences(Symbol);
        Assert.True(sequences.Zip(sequences.Skip(1)).All(p => p.Second > p.First), $"Sequences out of order: {string.Join(",", sequences)}");
        Assert.Equal(0, client.Reconnects);
    }

    private static long Sequence(JsonElement message) => message.GetProperty("quotes").EnumerateArray().Single(q => q.GetProperty("symbol").GetString() == Symbol).GetProperty("sequence").GetInt64();

    // The next frame of this type, skipping heartbeats.
    private static async Task<JsonElement> ReceiveAsync(ClientWebSocket socket, string type)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            using var frame = new MemoryStream();
            WebSocketReceiveResult received;
            do
            {
                received = await socket.ReceiveAsync(buffer, CancellationToken.None).WaitAsync(TickerServer.Timeout);
                Assert.NotEqual(WebSocketMessageType.Close, received.MessageType);
                frame.Write(buffer, 0, received.Count);
            }
            while (!received.EndOfMessage);
            var message = JsonDocument.Parse(frame.ToArray()).RootElement;
            var actual = message.GetProperty("type").GetString();
            if (actual == type)
            {
                return message;
            }
            Assert.Equal("heartbeat", actual);
        }
    }

    // The next event's name (comments, such as heartbeats, skipped).
    private static async Task<string> NextEventAsync(StreamReader reader)
    {
        string? name = null;
        while (true)
        {
            var line = await reader.ReadLineAsync().WaitAsync(TickerServer.Timeout) ?? throw new InvalidOperationException("The stream ended.");
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.Length == 0 && name is not null)
            {
                return name;
            }
        }
    }

    /// <summary>The class's cluster, started by the first test that needs it (so a missing nginx or redis-server skips, not fails, locally).</summary>
    // IAsyncLifetime, not IAsyncDisposable: xunit 2 disposes a class fixture through IDisposable or
    // IAsyncLifetime only, and an IAsyncDisposable one was left running (nginx, Redis, two nodes)
    // after every test run.
    public sealed class Fixture : IAsyncLifetime
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private NginxCluster? _cluster;

        internal async Task<NginxCluster> ClusterAsync()
        {
            await _gate.WaitAsync();
            try
            {
                return _cluster ??= await NginxCluster.StartAsync();
            }
            finally
            {
                _gate.Release();
            }
        }

        public Task InitializeAsync() => Task.CompletedTask;

        public async Task DisposeAsync()
        {
            if (_cluster is not null)
            {
                await _cluster.DisposeAsync();
            }
            _gate.Dispose();
        }
    }
}
