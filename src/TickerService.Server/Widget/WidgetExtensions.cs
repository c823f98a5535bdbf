using Microsoft.Extensions.FileProviders;
using TickerService.Pipelines;
using TickerService.Server.Web;

namespace TickerService.Server.Widget;

public static class WidgetExtensions
{
    /// <summary>What the widget reads besides quotes: the current session's points for the sparkline.</summary>
    public static IServiceCollection AddWidget(this IServiceCollection services)
    {
        services.AddSingleton(sp => new SessionOpenTracker(sp.GetRequiredService<Feed.SessionSchedule>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IQuoteConsumer>(sp => sp.GetRequiredService<SessionOpenTracker>());
        services.AddSingleton<SessionPointsReader>();
        return services;
    }

    /// <summary>The script every embedding page loads.</summary>
    public const string ScriptPath = "/ticker.js";

    // Five minutes fresh, then revalidated against the ETag: an embed picks up a new release soon,
    // and a page view costs at most a 304.
    private const string ScriptCaching = "public, max-age=300";

    /// <summary>
    /// Serves the top-level <c>wwwroot/</c> (the demo pages) and the bundled <c>/ticker.js</c>,
    /// which the build places beside the binaries, so <c>dotnet run</c>, the tests and
    /// <c>dotnet publish</c> output all serve the same files whatever the working directory.
    /// The script goes out precompressed, cacheable with an ETag, loadable from any allowed origin.
    /// </summary>
    public static IApplicationBuilder UseWidget(this IApplicationBuilder app)
    {
        var root = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (!Directory.Exists(root))
        {
            return app;
        }
        var files = new PhysicalFileProvider(root);

        app.UseWhen(
            context => context.Request.Path == ScriptPath,
            script => script.UseCors(CorsExtensions.WidgetPolicy).UsePrecompressed(ScriptPath, files));
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            ContentTypeProvider = new PrecompressedScript.ContentTypes(),
            OnPrepareResponse = context =>
            {
                if (context.Context.Request.Path.Value?.StartsWith(ScriptPath, StringComparison.Ordinal) == true)
                {
                    context.Context.Response.Headers.CacheControl = ScriptCaching;
                }
            },
        });
        return app;
    }
}
