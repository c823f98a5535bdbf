namespace TickerService.Market;

/// <summary>The first rule a quote breaks: the field at fault (SPEC camelCase name) and what is wrong with it.</summary>
public sealed record QuoteViolation(string Field, string Message);
