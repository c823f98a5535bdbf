namespace TickerService.Tests.Infrastructure;

/// <summary>
/// Tests that measure the whole process (its memory, its latency) run alone: xunit runs this
/// collection after the parallel ones, so no other test's allocations or CPU land in the figures.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Isolated
{
    public const string Name = "Measured alone";
}
