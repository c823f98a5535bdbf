using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TickerService.Server.Web;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Web;

/// <summary>
/// Between the start of a shutdown and the server's own stop, new requests are refused, so no
/// client (a reconnecting one above all) starts something that holds the shutdown up.
/// </summary>
public sealed class RefusalWhileStoppingTests
{
    [Fact]
    public async Task RequestsAfterStoppingBeganGet503WithRetryAfter()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        var slowStop = new SlowStop();
        builder.Services.AddSingleton<IHostedService>(slowStop);
        await using var app = builder.Build();
        app.UseRefusalWhileStopping();
        app.MapGet("/", () => "ok");
        await app.StartAsync();
        var client = app.GetTestClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);

        // The other services are stopping (as Quartz and the recorder do); the server still listens.
        var stopped = app.StopAsync();
        await slowStop.Stopping.Task.WaitAsync(TickerServer.Timeout);
        using var refused = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);

        slowStop.Release.SetResult();
        await stopped.WaitAsync(TickerServer.Timeout);
    }

    private sealed class SlowStop : IHostedService
    {
        public TaskCompletionSource Stopping { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            Stopping.SetResult();
            await Release.Task;
        }
    }
}
