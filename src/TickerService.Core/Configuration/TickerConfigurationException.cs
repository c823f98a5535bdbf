namespace TickerService.Configuration;

/// <summary>
/// A setting the service cannot start with, found while building a service (such as a replay file
/// that cannot be served). The message names the key and says what is wrong, in one line: start-up
/// prints it alone, without a stack trace.
/// </summary>
public sealed class TickerConfigurationException(string message) : Exception(message);
