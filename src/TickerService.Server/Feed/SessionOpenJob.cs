using Quartz;
using TickerService.Pipelines;

namespace TickerService.Server.Feed;

/// <summary>Opens the session, or rolls it when it is already open.</summary>
[DisallowConcurrentExecution]
internal sealed partial class SessionOpenJob(SimulatedMarket market, ILogger<SessionOpenJob> logger) : IJob
{
    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var rolled = market.IsOpen;
        market.OpenSession();
        LogOpened(rolled);
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Market session opened (rolled from an open session: {Rolled})")]
    private partial void LogOpened(bool rolled);
}
