namespace TickerService.Tests.Infrastructure;

public static class Protocols
{
    public static TheoryData<string> Both => new() { "json", "messagepack" };
}
