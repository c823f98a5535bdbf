using Quartz;
using TickerService.Pipelines;

namespace TickerService.Server.Feed;

/// <summary>Closes the session: the closing quotes go out marked closed, and ticking stops until the next open.</summary>
[DisallowConcurrentExecution]
internal sealed partial class SessionCloseJob(SimulatedMarket market, ILogger<SessionCloseJob> logger) : IJob
{
    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        market.CloseSession();
        LogClosed();
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Market session closed")]
    private partial void LogClosed();
}
