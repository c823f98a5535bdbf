namespace TickerService.Market;

/// <summary>
/// Something a client asked for that cannot be served (unknown or malformed symbols, a limit
/// crossed). The message is for a person: it says what was wrong and what to send instead.
/// </summary>
public sealed class ClientRequestException(string message) : Exception(message);
