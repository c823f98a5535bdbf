using TickerService.Server.Api;
using TickerService.Server.Cluster;
using TickerService.Server.Configuration;
using TickerService.Server.Feed;
using TickerService.Server.Health;
using TickerService.Server.Hub;
using TickerService.Server.Observability;
using TickerService.Server.Plain;
using TickerService.Server.Security;
using TickerService.Server.Recording;
using TickerService.Server.Replay;
using TickerService.Server.Web;
using TickerService.Server.Widget;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddTickerOptions(builder.Configuration);
builder.Services.AddQuoteFeed(builder.Configuration);
builder.Services.AddRecording(builder.Configuration);
builder.Services.AddReplay();
builder.Services.AddQuoteHub();
builder.Services.AddQuoteApi();
builder.Services.AddTickerHealth();
builder.Services.AddWidgetCors();
builder.Services.AddWidget();
builder.Services.AddTickerObservability(builder.Configuration);
builder.Services.AddTickerSecurity();
builder.Services.AddCluster(builder.Configuration);

var app = builder.Build();
if (!app.ConfigurationIsValid())
{
    return StartupExtensions.ConfigurationError;
}

// Outermost: a failure anywhere answers problem details (503 while the recording's database is down).
app.UseExceptionHandler();
app.UseTickerSecurity();
// CORS before the refusal while stopping, so a page on another origin reads that 503 and its
// Retry-After instead of a CORS failure.
app.UseCors();
app.UseRefusalWhileStopping();
app.UseWidget();
app.MapQuoteHub();
app.MapPlainStreams();
app.MapQuoteApi();
app.MapFeedApi();
app.MapRecordingApi();
app.MapTickerHealth();
app.MapTickerMetrics();
app.MapCluster();

app.Run();
return 0;

/// <summary>The entry point, visible to the tests' <c>WebApplicationFactory</c>.</summary>
public partial class Program;
