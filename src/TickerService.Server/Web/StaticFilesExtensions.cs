using Microsoft.Extensions.FileProviders;

namespace TickerService.Server.Web;

public static class StaticFilesExtensions
{
    /// <summary>
    /// Serves the top-level <c>wwwroot/</c>, which the build copies beside the binaries, so
    /// <c>dotnet run</c>, the tests and <c>dotnet publish</c> output all serve the same files
    /// whatever the working directory.
    /// </summary>
    public static IApplicationBuilder UseTickerStaticFiles(this IApplicationBuilder app)
    {
        var root = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (!Directory.Exists(root))
        {
            return app;
        }
        var files = new PhysicalFileProvider(root);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        return app;
    }
}
