using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TickerService.Tests.Infrastructure;

/// <summary>Somebody else's site on another origin (another Kestrel, another port) that embeds the widget.</summary>
public sealed class EmbeddingSite : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EmbeddingSite(WebApplication app) => _app = app;

    public Uri Address => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public static async Task<EmbeddingSite> StartAsync(string html)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/", () => Results.Content(html, "text/html"));
        await app.StartAsync();
        return new EmbeddingSite(app);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
