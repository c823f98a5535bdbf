using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TickerService.Server.Plain;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Plain;

/// <summary><c>GET /ws</c> (SPEC section 10, issue 12) over real Kestrel with <see cref="ClientWebSocket"/>.</summary>
public sealed class PlainWebSocketTests : IAsyncLifetime
{
    private const string Allowed = "https://good.example";

    private readonly TickerServer _server = new TickerServer()
        .With("Ticker:AllowedOrigins:0", Allowed)
        .With("Ticker:Limits:MaxSymbolsPerConnection", "3")
        .With("Ticker:Limits:MaxHubMessageBytes", "2048");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task SubscribeIsAnsweredWithASnapshotThenQuotesAsTheHubSendsThem()
    {
        await using var client = await PlainSocket.ConnectAsync(_server);
        await using var hub = await _server.ConnectAsync();
        var hubSnapshot = await hub.SubscribeAsync("XOM", "CL=F");

        await client.SendAsync("""{"op":"subscribe","symbols":["xom","CL=F"]}""");
        var snapshot = await client.ReceiveAsync("snapshot");

        Assert.Equal(["XOM", "CL=F"], snapshot.GetProperty("quotes").EnumerateArray().Select(q => q.GetProperty("symbol").GetString()));
        // The same quote JSON as the hub's: camelCase, milliseconds, same values.
        Assert.Equal(JsonSerializer.Serialize(hubSnapshot[0], HubJson), snapshot.GetProperty("quotes")[0].GetRawText());

        var ticked = _server.Market.Tick();
        var quotes = await client.ReceiveAsync("quotes");
        var hubBatch = await hub.NextBatchAsync();

        Assert.Equal(hubBatch.Select(q => q.Sequence), quotes.GetProperty("quotes").EnumerateArray().Select(q => q.GetProperty("sequence").GetInt64()));
        Assert.Equal(ticked.Single(q => q.Symbol == "XOM").Sequence, quotes.GetProperty("quotes")[0].GetProperty("sequence").GetInt64());
        Assert.EndsWith("Z", quotes.GetProperty("quotes")[0].GetProperty("timestamp").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnsubscribeStopsThem()
    {
        await using var client = await PlainSocket.ConnectAsync(_server);
        await client.SendAsync("""{"op":"subscribe","symbols":["XOM","CVX"]}""");
        await client.ReceiveAsync("snapshot");
        await client.SendAsync("""{"op":"unsubscribe","symbols":["CVX"]}""");
        // A subscribe after it is answered after it: by then the unsubscribe has been applied.
        await client.SendAsync("""{"op":"subscribe","symbols":["XOM"]}""");
        await client.ReceiveAsync("snapshot");

        _server.Market.Tick();

        var quotes = await client.ReceiveAsync("quotes");
        Assert.Equal(["XOM"], quotes.GetProperty("quotes").EnumerateArray().Select(q => q.GetProperty("symbol").GetString()));
    }

    [Fact]
    public async Task SessionChangesArrive()
    {
        await using var client = await PlainSocket.ConnectAsync(_server);
        await client.SendAsync("""{"op":"subscribe","symbols":["XOM"]}""");
        await client.ReceiveAsync("snapshot");

        _server.Market.CloseSession();

        // The closing quotes may come first.
        var session = await client.ReceiveAsync();
        while (session.GetProperty("type").GetString() != "session")
        {
            Assert.Contains(session.GetProperty("type").GetString(), new[] { "quotes", "heartbeat" });
            session = await client.ReceiveAsync();
        }
        Assert.Equal("closed", session.GetProperty("state").GetString());
        Assert.EndsWith("Z", session.GetProperty("at").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"op":"subscribe","symbols":["FOO","XOM"]}""", "subscribe", "Unknown symbol(s): FOO")]
    [InlineData("""{"op":"subscribe","symbols":["bad symbol!"]}""", "subscribe", "Malformed symbol(s)")]
    [InlineData("""{"op":"subscribe","symbols":[]}""", "subscribe", "Give at least one symbol")]
    [InlineData("""{"op":"subscribe"}""", "subscribe", "Give at least one symbol")]
    [InlineData("""{"op":"subscribe","symbols":"XOM"}""", "subscribe", "\"symbols\" must be a list")]
    [InlineData("""{"op":"subscribe","symbols":[1]}""", "subscribe", "\"symbols\" must hold strings")]
    [InlineData("""{"op":"subscribe","symbols":["A","B","C","D"]}""", "subscribe", "Too many symbols: 4 given, at most 3")]
    [InlineData("""{"op":"subscribe","symbols":["XOM","CVX","BP","SHEL"]}""", "subscribe", "Too many symbols")]
    [InlineData("""{"op":"dance","symbols":["XOM"]}""", null, "Unknown op 'dance'")]
    [InlineData("""{"symbols":["XOM"]}""", null, "needs \"op\"")]
    [InlineData("""["XOM"]""", null, "A request is a JSON object, not an array")]
    [InlineData("""{"op":"subscribe",""", null, "Not JSON")]
    public async Task ABadRequestGetsAnErrorFrameAndTheSocketStaysUp(string request, string? op, string message)
    {
        await using var client = await PlainSocket.ConnectAsync(_server);

        await client.SendAsync(request);
        var error = await client.ReceiveAsync("error");

        Assert.Contains(message, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(op, error.GetProperty("op").GetString());
        await client.SendAsync("""{"op":"subscribe","symbols":["XOM"]}""");
        Assert.Equal("XOM", (await client.ReceiveAsync("snapshot")).GetProperty("quotes")[0].GetProperty("symbol").GetString());
    }

    [Fact]
    public async Task TheSymbolLimitCountsEverySubscribeOfTheConnection()
    {
        await using var client = await PlainSocket.ConnectAsync(_server);
        await client.SendAsync("""{"op":"subscribe","symbols":["XOM","CVX"]}""");
        await client.ReceiveAsync("snapshot");

        await client.SendAsync("""{"op":"subscribe","symbols":["BP","SHEL"]}""");
        var error = await client.ReceiveAsync("error");

        Assert.StartsWith("Too many symbols: this connection would hold 4, at most 3", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABinaryFrameGetsAnErrorFrame()
    {
        await using var client = await PlainSocket.ConnectAsync(_server);

        await client.Socket.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, CancellationToken.None);

        Assert.Contains("send JSON text frames", (await client.ReceiveAsync("error")).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFrameOverTheSizeLimitClosesTheSocketWith1009AndTheReason()
    {
        await using var client = await PlainSocket.ConnectAsync(_server);

        await client.SendAsync($$"""{"op":"subscribe","symbols":["{{new string('X', 3000)}}"]}""");
        var closed = await Assert.ThrowsAsync<InvalidOperationException>(client.ReceiveBytesAsync);

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, client.Socket.CloseStatus);
        Assert.Equal("Message over 2048 bytes (Ticker:Limits:MaxHubMessageBytes)", client.Socket.CloseStatusDescription);
        Assert.Contains("1009", ((int)client.Socket.CloseStatus!).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.NotNull(closed);
        await Eventually.TrueAsync(() => _server.Broadcaster.ConnectionCount == 0);
    }

    [Fact]
    public async Task AForeignOriginIsRefusedBeforeTheUpgrade()
    {
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => PlainSocket.ConnectAsync(_server, "https://evil.example"));
        Assert.NotNull(refused);

        await using var allowed = await PlainSocket.ConnectAsync(_server, Allowed);
        Assert.Equal(WebSocketState.Open, allowed.Socket.State);
    }

    [Fact]
    public async Task APlainGetIsToldToUpgrade()
    {
        using var http = _server.Http();

        var response = await http.GetAsync(new Uri("/ws", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("WebSocket", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlainClientsWithTheSameSymbolsGetByteIdenticalFramesFromOneSerialization()
    {
        var clients = new List<PlainSocket>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var client = await PlainSocket.ConnectAsync(_server);
                await client.SendAsync("""{"op":"subscribe","symbols":["XOM","CVX"]}""");
                await client.ReceiveAsync("snapshot");
                clients.Add(client);
            }
            var counters = _server.Broadcaster.Counters;
            var (serialized, messages) = (counters.Serialized, counters.Messages);

            _server.Market.Tick();
            var frames = new List<byte[]>();
            foreach (var client in clients)
            {
                frames.Add(await client.ReceiveBytesAsync());
            }

            Assert.All(frames, frame => Assert.Equal(frames[0], frame));
            Assert.StartsWith("{\"type\":\"quotes\",\"quotes\":[", Encoding.UTF8.GetString(frames[0]), StringComparison.Ordinal);
            // Two quotes, one format in use: two serializations and one message for all three clients.
            Assert.Equal(2, counters.Serialized - serialized);
            Assert.Equal(1, counters.Messages - messages);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    private static readonly JsonSerializerOptions HubJson = new(JsonSerializerDefaults.Web);
}

/// <summary>Heartbeats after silence, with the interval shortened (the SPEC's 5 s stays the default).</summary>
public sealed class PlainHeartbeatTests : IAsyncLifetime
{
    private readonly TickerServer _server = new TickerServer()
        .WithServices(services => services.Configure<PlainStreamOptions>(o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(200)));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public void TheDefaultIsFiveSeconds() => Assert.Equal(TimeSpan.FromSeconds(5), new PlainStreamOptions().HeartbeatInterval);

    [Fact]
    public async Task AQuietSocketGetsHeartbeats()
    {
        await using var client = await PlainSocket.ConnectAsync(_server);

        var first = await client.ReceiveAsync();
        var second = await client.ReceiveAsync();

        Assert.Equal("heartbeat", first.GetProperty("type").GetString());
        Assert.Equal("heartbeat", second.GetProperty("type").GetString());
        Assert.EndsWith("Z", first.GetProperty("at").GetString(), StringComparison.Ordinal);
        Assert.Equal(WebSocketState.Open, client.Socket.State);
    }
}
