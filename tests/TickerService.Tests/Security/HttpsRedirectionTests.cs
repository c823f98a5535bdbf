using System.Net;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Security;

/// <summary>Outside development, plain HTTP is redirected to HTTPS only when there is an HTTPS port to go to, and never for health probes.</summary>
public sealed class HttpsRedirectionTests
{
    [Fact]
    public async Task WithAnHttpsPortPlainHttpIsRedirected()
    {
        await using var child = ChildServer.Start("--HTTPS_PORT=8443");
        await child.WaitUntilUpAsync();
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = child.BaseAddress };

        using var response = await http.GetAsync("/api/instruments");

        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.Equal("https://127.0.0.1:8443/api/instruments", response.Headers.Location?.ToString());
        // Health probes are answered where they ask (WaitUntilUpAsync has just relied on it).
        using var health = await http.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task WithoutOneHttpIsServedAndNothingIsLogged()
    {
        await using var child = ChildServer.Start();
        await child.WaitUntilUpAsync();
        using var http = new HttpClient { BaseAddress = child.BaseAddress };

        using var response = await http.GetAsync("/api/instruments");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Its whole log, once it has exited.
        child.Terminate();
        Assert.Equal(0, await child.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.DoesNotContain("https port", child.Output, StringComparison.OrdinalIgnoreCase);
    }
}
