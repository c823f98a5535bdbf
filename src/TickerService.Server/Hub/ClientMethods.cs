namespace TickerService.Server.Hub;

/// <summary>What the server calls on clients (SPEC section 2).</summary>
public static class ClientMethods
{
    public const string Quotes = "quotes";
    public const string Session = "session";
    public const string Feed = "feed";
}
