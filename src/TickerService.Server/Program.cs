using TickerService.Server.Api;
using TickerService.Server.Configuration;
using TickerService.Server.Feed;
using TickerService.Server.Health;
using TickerService.Server.Hub;
using TickerService.Server.Recording;
using TickerService.Server.Replay;
using TickerService.Server.Web;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddTickerOptions(builder.Configuration);
builder.Services.AddQuoteFeed(builder.Configuration);
builder.Services.AddRecording(builder.Configuration);
builder.Services.AddReplay();
builder.Services.AddQuoteHub();
builder.Services.AddQuoteApi();
builder.Services.AddTickerHealth();
builder.Services.AddWidgetCors();

var app = builder.Build();

app.UseTickerStaticFiles();
app.UseCors();
app.MapQuoteHub();
app.MapQuoteApi();
app.MapRecordingApi();
app.MapTickerHealth();

app.Run();

/// <summary>The entry point, visible to the tests' <c>WebApplicationFactory</c>.</summary>
public partial class Program;
