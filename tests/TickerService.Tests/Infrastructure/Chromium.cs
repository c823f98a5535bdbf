using Microsoft.Playwright;

namespace TickerService.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium driven by Playwright (its own browser download does not work here). Missing
/// Chromium skips the browser tests with the reason locally, and fails them in CI (CI=true).
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser? Browser { get; private set; }

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            return;
        }
        // Browser round trips on a busy 2-core machine: wait as long as the rest of the suite does.
        Assertions.SetDefaultExpectTimeout((float)TickerServer.Timeout.TotalMilliseconds);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // Root in a container needs --no-sandbox; the rest keeps Chromium off the closed network.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>A fresh page that records console errors; skips or fails when Chromium is missing.</summary>
    public async Task<BrowserPage> NewPageAsync(BrowserNewContextOptions? options = null)
    {
        if (Browser is null)
        {
            Assert.False(InCi, $"Chromium is not installed at {ExecutablePath}; CI must install it (apt-get install -y chromium).");
            Skip.If(true, $"Chromium is not installed at {ExecutablePath} (apt-get install -y chromium).");
        }
        var context = await Browser!.NewContextAsync(options ?? new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1000, Height = 800 } });
        context.SetDefaultTimeout((float)TickerServer.Timeout.TotalMilliseconds);
        return new BrowserPage(context, await context.NewPageAsync());
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
    }
}

/// <summary>A page and everything it logged as an error.</summary>
public sealed class BrowserPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;

    public BrowserPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => Errors.Add(error);
    }

    public IPage Page { get; }

    public List<string> Errors { get; } = [];

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
