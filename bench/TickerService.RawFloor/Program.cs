using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using TickerService.Configuration;
using TickerService.Market;
using TickerService.RawFloor;

// The yardsticks the fan-out benchmark measures the hub against (docs/benchmarks.md, "Fan-out").
// Both tick the same simulator (same instruments, seed and interval) and answer /api/quotes like
// the service, so the load generator loads them exactly as it loads the hub:
//   --mode floor  : raw WebSockets at /hubs/quotes speaking just enough of the SignalR JSON
//                   protocol; one pre-serialized frame per tick (the hub's own bytes) to everyone.
//   --mode piped  : the floor, each frame sent the way SignalR's WebSocket transport sends (a
//                   per-connection pipe and send loop), to tell that hop's cost from the rest.
//   --mode stream : the classic SignalR stock-ticker: a real hub whose StreamQuotes returns one
//                   channel per client, so every quote is serialized again for every connection.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var mode = builder.Configuration["mode"] ?? "floor";
var interval = builder.Configuration.GetValue("Ticker:Feed:TickInterval", TimeSpan.FromMilliseconds(100));
var seed = builder.Configuration.GetValue("Ticker:Feed:Seed", 1);

var market = new FloorMarket(new MarketSimulator(new InstrumentCatalog(DefaultInstruments.All), interval, seed), interval);
builder.Services.AddSingleton(market);
if (mode == "stream")
{
    builder.Services.AddSignalR();
    builder.Services.AddSingleton<StockTicker>();
}
else if (mode is "floor" or "piped")
{
    builder.Services.AddSingleton(new FloorBroadcaster(piped: mode == "piped"));
}
else
{
    throw new ArgumentException($"--mode must be floor, piped or stream, not '{mode}'.");
}

var app = builder.Build();
app.MapGet("/healthz", () => "Healthy");
app.MapGet("/api/quotes", () => market.Latest);
if (mode == "stream")
{
    app.MapHub<StockTickerHub>("/hubs/quotes");
    market.OnTick += app.Services.GetRequiredService<StockTicker>().Publish;
}
else
{
    app.UseWebSockets();
    var floor = app.Services.GetRequiredService<FloorBroadcaster>();
    app.Map("/hubs/quotes", floor.AcceptAsync);
    market.OnTick += floor.Publish;
}
market.Start(app.Lifetime.ApplicationStopping);
app.Run();
