using System.IO.Compression;
using System.Net;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Widget;

/// <summary>/ticker.js: one script, within its size budget, compressed, cacheable, loadable from any origin.</summary>
public sealed class ScriptDeliveryTests : IAsyncLifetime
{
    private const int BudgetBytes = 25 * 1024;
    private readonly TickerServer _server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task TheScriptIsServedGzippedWithinBudgetWithAnETagAndCors()
    {
        using var http = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = _server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ticker.js");
        request.Headers.Add("Accept-Encoding", "gzip");
        request.Headers.Add("Origin", "https://news.example.org");

        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gzip", Assert.Single(response.Content.Headers.ContentEncoding));
        Assert.True(body.Length <= BudgetBytes, $"ticker.js is {body.Length} bytes gzipped, over the {BudgetBytes} byte budget");
        Assert.NotNull(response.Headers.ETag);
        Assert.Contains("max-age", response.Headers.CacheControl!.ToString());
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());

        using var script = new StreamReader(new GZipStream(new MemoryStream(body), CompressionMode.Decompress));
        var text = await script.ReadToEndAsync();
        Assert.Contains("market-quote", text);
        Assert.Contains("hubs/quotes", text);

        using var again = new HttpRequestMessage(HttpMethod.Get, "/ticker.js");
        again.Headers.Add("Accept-Encoding", "gzip");
        again.Headers.IfNoneMatch.Add(response.Headers.ETag);
        using var revalidated = await http.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
    }

    [Fact]
    public async Task BrotliIsPreferredAndPlainScriptServedToWhoTakesNeither()
    {
        using var http = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = _server.BaseAddress };
        using var brotli = new HttpRequestMessage(HttpMethod.Get, "/ticker.js");
        brotli.Headers.Add("Accept-Encoding", "gzip, br");

        using var compressed = await http.SendAsync(brotli);
        using var plain = await http.GetAsync("/ticker.js");

        Assert.Equal("br", Assert.Single(compressed.Content.Headers.ContentEncoding));
        Assert.Equal("text/javascript", compressed.Content.Headers.ContentType?.MediaType);
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", plain.Headers.Vary);
        Assert.True((await compressed.Content.ReadAsByteArrayAsync()).Length < (await plain.Content.ReadAsByteArrayAsync()).Length / 3);
    }

    [Fact]
    public async Task TheDemoPageEmbedsBothElements()
    {
        using var http = _server.Http();

        var page = await http.GetStringAsync("/");

        Assert.Contains("<script src=\"ticker.js\" defer></script>", page);
        Assert.Contains("<market-quote symbol=\"XOM\">", page);
        Assert.Contains("<market-ticker", page);
    }
}
