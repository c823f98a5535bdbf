namespace TickerService.Server.Api;

/// <summary>A query-string value the API cannot use; <see cref="QueryProblemFilter"/> answers it with 400 problem details.</summary>
public sealed class BadQueryException(string parameter, string message) : Exception(message)
{
    /// <summary>The query parameter that was wrong, as the client spelled it in the URL.</summary>
    public string Parameter { get; } = parameter;
}
