using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Microsoft.Extensions.DependencyInjection;
using TickerService.Server.Plain;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Plain;

/// <summary>
/// <c>GET /asyncapi/v1.json</c> describes <c>/ws</c> and <c>/sse</c>, and what the server really
/// sends matches it: every frame is checked against its message's JSON Schema, which names every
/// field (required) and no other (additionalProperties: false), so a renamed field fails here.
/// </summary>
public sealed class AsyncApiDocumentTests : IAsyncLifetime
{
    private readonly TickerServer _server = new TickerServer()
        .WithServices(services => services.Configure<PlainStreamOptions>(o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(300)));

    private JsonNode _document = null!;

    public async Task InitializeAsync()
    {
        using var http = _server.Http();
        using var response = await http.GetAsync(AsyncApiDocument.Path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        _document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public void TheDocumentIsAsyncApi3DescribingWsAndSse()
    {
        Assert.Equal("3.0.0", (string?)_document["asyncapi"]);
        Assert.Equal("/ws", (string?)_document["channels"]!["ws"]!["address"]);
        Assert.StartsWith("/sse", (string?)_document["channels"]!["sse"]!["address"], StringComparison.Ordinal);
        string[] messages = ["subscribe", "unsubscribe", "snapshot", "quotes", "session", "error", "heartbeat"];
        Assert.All(messages, name => Assert.NotNull(_document["components"]!["messages"]![name]!["payload"]));
    }

    [Fact]
    public async Task EveryFrameTheWebSocketSendsMatchesItsSchema()
    {
        var first = _server.Market.Tick().Single(q => q.Symbol == "XOM").Sequence;
        _server.Market.Tick();
        await using var client = await PlainSocket.ConnectAsync(_server);

        await SendAsync(client, """{"op":"subscribe","symbols":["XOM","CVX"]}""");
        await ReceiveValidAsync(client, "snapshot");
        await SendAsync(client, $$$"""{"op":"subscribe","symbols":["XOM"],"after":{"XOM":{{{first}}}}}""");
        var resumed = await ReceiveValidAsync(client, "snapshot");
        Assert.True(resumed.GetProperty("complete").GetBoolean());
        _server.Market.Tick();
        await ReceiveValidAsync(client, "quotes");
        _server.Market.CloseSession();
        await ReceiveValidAsync(client, "session");
        await SendAsync(client, """{"op":"subscribe","symbols":["FOO"]}""");
        await ReceiveValidAsync(client, "error");
        await SendAsync(client, """{"op":"unsubscribe","symbols":["XOM","CVX"]}""");
        await ReceiveValidAsync(client, "heartbeat");
    }

    [Fact]
    public async Task TheEventStreamsSnapshotMatchesItsSchema()
    {
        using var http = _server.Http();
        using var response = await http.GetAsync("/sse?symbols=XOM,CVX", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        string? line;
        while ((line = await reader.ReadLineAsync().WaitAsync(TickerServer.Timeout)) is not null && !line.StartsWith("data:", StringComparison.Ordinal))
        {
        }
        Assert.NotNull(line);
        Valid("snapshot", JsonDocument.Parse(line["data:".Length..]).RootElement);
    }

    [Fact]
    public void TheDocumentsOwnExamplesMatchTheirSchemas()
    {
        foreach (var (name, message) in _document["components"]!["messages"]!.AsObject())
        {
            foreach (var example in message!["examples"]?.AsArray() ?? [])
            {
                Valid(name, JsonSerializer.SerializeToElement(example!["payload"]));
            }
        }
    }

    // Frames up to the next one of this type, each checked against its own message.
    private async Task<JsonElement> ReceiveValidAsync(PlainSocket client, string type)
    {
        while (true)
        {
            var frame = await client.ReceiveAsync();
            Valid(frame.GetProperty("type").GetString()!, frame);
            if (frame.GetProperty("type").GetString() == type)
            {
                return frame;
            }
        }
    }

    // A client's request, checked against the document before the server gets it.
    private Task SendAsync(PlainSocket client, string request)
    {
        var message = JsonDocument.Parse(request).RootElement;
        Valid(message.GetProperty("op").GetString()!, message);
        return client.SendAsync(request);
    }

    private void Valid(string message, JsonElement frame)
    {
        Assert.Equal(message, frame.TryGetProperty("type", out var type) ? type.GetString() : frame.GetProperty("op").GetString());
        var payload = Resolve(_document["components"]!["messages"]![message]!["payload"]!);
        var result = JsonSchema.FromText(payload.ToJsonString()).Evaluate(frame, new EvaluationOptions { OutputFormat = OutputFormat.List });
        var errors = (result.Details ?? []).Where(d => d.Errors is not null)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"));
        Assert.True(result.IsValid, $"{message} frame {frame} does not match the AsyncAPI document: {string.Join("; ", errors)}");
    }

    // The payload with every "#/..." reference replaced by what it points to: one self-contained schema.
    private JsonNode Resolve(JsonNode node) => node switch
    {
        JsonObject o when o["$ref"] is JsonValue reference => Resolve(Pointer((string)reference!)),
        JsonObject o => new JsonObject(o.Select(kv => KeyValuePair.Create(kv.Key, kv.Value is null ? null : (JsonNode?)Resolve(kv.Value)))),
        JsonArray a => new JsonArray([.. a.Select(item => item is null ? null : Resolve(item))]),
        _ => node.DeepClone(),
    };

    private JsonNode Pointer(string reference)
    {
        Assert.StartsWith("#/", reference, StringComparison.Ordinal);
        var node = _document;
        foreach (var part in reference[2..].Split('/'))
        {
            node = node[part] ?? throw new InvalidOperationException($"{reference} points nowhere in the AsyncAPI document.");
        }
        return node;
    }
}
