using Quartz;
using TickerService.Pipelines;

namespace TickerService.Server.Feed;

/// <summary>One tick of the simulated market. Ticks never overlap: a slow one delays the next.</summary>
[DisallowConcurrentExecution]
internal sealed class TickJob(SimulatedMarket market) : IJob
{
    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        market.Tick();
        return ValueTask.CompletedTask;
    }
}
