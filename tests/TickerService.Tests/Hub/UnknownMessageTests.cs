using System.Text.Json;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Hub;

/// <summary>
/// A frame of an unknown message type (issue 9, item 10; dotnet/aspnetcore#69285) used to wedge
/// the connection: it stayed open and never answered again. Now the server closes it with a
/// reason, and other connections carry on.
/// </summary>
public sealed class UnknownMessageTests : IAsyncLifetime
{
    private readonly TickerServer _server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("""{"type":99}""")]
    [InlineData("""{"type":99,"invocationId":"1","target":"Subscribe","arguments":[["XOM"]]}""")]
    public async Task AnUnknownMessageTypeClosesTheConnectionWithAReason(string frame)
    {
        await using var bystander = await _server.ConnectAsync();
        await using var socket = await RawHubSocket.ConnectAsync(_server.HubUrl);

        await socket.SendAsync(frame);
        using var close = await socket.ReadMessageAsync();

        Assert.Equal(7, close.RootElement.GetProperty("type").GetInt32()); // Close
        Assert.Contains("a message of a type it does not know", close.RootElement.GetProperty("error").GetString());
        Assert.Equal("XOM", Assert.Single(await bystander.SubscribeAsync("XOM")).Symbol);
    }

    [Fact]
    public async Task KnownMessagesAfterAPingStillGetAnswers()
    {
        // The check only closes on a frame the protocol consumed and dropped; a ping is a message.
        await using var socket = await RawHubSocket.ConnectAsync(_server.HubUrl);

        await socket.SendAsync("""{"type":6}""");
        await socket.SendAsync(JsonSerializer.Serialize(new { type = 1, invocationId = "7", target = "GetInstruments", arguments = Array.Empty<object>() }));

        while (true)
        {
            using var message = await socket.ReadMessageAsync();
            if (message.RootElement.GetProperty("type").GetInt32() == 3)
            {
                Assert.Equal("7", message.RootElement.GetProperty("invocationId").GetString());
                return;
            }
        }
    }
}
