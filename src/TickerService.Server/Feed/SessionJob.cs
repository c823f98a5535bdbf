using Quartz;
using TickerService.Pipelines;

namespace TickerService.Server.Feed;

/// <summary>
/// Opens (or rolls) and closes the session. One job for both crons, so Quartz runs them one at a
/// time in the order they were due: a late scheduler that finds a close and the next open due
/// together must not run the open first.
/// </summary>
[DisallowConcurrentExecution]
internal sealed partial class SessionJob(SimulatedMarket market, ILogger<SessionJob> logger) : IJob
{
    public const string Name = "session";
    public const string Action = "action";
    public const string Open = "open";
    public const string Close = "close";

    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        context.MergedJobDataMap.TryGetValue(Action, out var action);
        if (Close.Equals(action))
        {
            market.CloseSession();
            LogClosed();
        }
        else
        {
            var rolled = market.IsOpen;
            market.OpenSession();
            LogOpened(rolled);
        }
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Market session opened (rolled from an open session: {Rolled})")]
    private partial void LogOpened(bool rolled);

    [LoggerMessage(Level = LogLevel.Information, Message = "Market session closed")]
    private partial void LogClosed();
}
