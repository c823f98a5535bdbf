using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TickerService.Tests.Infrastructure;

namespace TickerService.Tests.Api;

/// <summary>
/// Every query value of the HTTP API, however wrong, is answered with problem details that name
/// the parameter and what it takes, never a bare 400 or a 500 (issue 9, items 7 and 8).
/// </summary>
public sealed class QueryParameterTests : IAsyncLifetime
{
    private readonly TickerServer _server = new();
    private HttpClient _http = null!;

    public Task InitializeAsync()
    {
        _http = _server.Http();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData("/api/quotes/XOM/history?limit=abc", "limit", "'abc' is not a whole number: give 1 to 10000")]
    [InlineData("/api/quotes/XOM/history?limit=2147483648", "limit", "2147483648 is out of range: give 1 to 10000")]
    [InlineData("/api/quotes/XOM/history?limit=-1", "limit", "-1 is out of range")]
    [InlineData("/api/quotes/XOM/history?from=garbage", "from", "'garbage' is not a time: give an ISO-8601 time")]
    [InlineData("/api/quotes/XOM/history?to=2026-13-45", "to", "'2026-13-45' is not a time")]
    [InlineData("/api/quotes/XOM/history?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "from", "is after to")]
    [InlineData("/api/recordings/export?from=yesterday", "from", "'yesterday' is not a time")]
    [InlineData("/api/recordings/export?to=9999-12-31T23:59:59-05:00", "to", "is not a time")]
    [InlineData("/api/recordings/export?format=xml", "format", "format 'xml' is not served: give jsonl or csv")]
    public async Task ABadValueIsNamedWithWhatTheParameterTakes(string url, string parameter, string detail)
    {
        var response = await _http.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(detail, problem.GetProperty("detail").GetString());
        Assert.Equal(parameter, problem.GetProperty("parameter").GetString());
    }

    [Fact]
    public async Task ControlCharactersInABadValueAreEscapedAndLongOnesCut()
    {
        var response = await _http.GetAsync("/api/quotes/XOM/history?limit=" + Uri.EscapeDataString("\u001b[31m" + new string('9', 500)));

        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        Assert.Contains("\\u001B[31m", detail);
        Assert.DoesNotContain('\u001b', detail);
        Assert.True(detail.Length < 200, detail);
    }

    [Fact]
    public async Task HistoryEndingAtTheFirstInstantIsEmptyNotAServerError()
    {
        var response = await _http.GetAsync("/api/quotes/XOM/history?to=0001-01-01T00:00:00Z");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty((await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray());
    }

    public static TheoryData<string> HostileValues() =>
    [
        "", " ", "abc", "-1", "0", "1", "2147483647", "2147483648", "-2147483649", "99999999999999999999", "1e3", "0x10", "NaN",
        "0001-01-01T00:00:00Z", "0001-01-01T00:00:00+14:00", "0001-01-01T00:30:00Z", "9999-12-31T23:59:59.9999999Z",
        "9999-12-31T23:59:59-14:00", "2026-02-30", "2026-12-01T25:00:00Z", "*", ",", "XOM,,CVX", "%00", "\u0000", "🙂",
        new string('A', 2000), // long, but within Kestrel's request-line limit (beyond it Kestrel answers 414 itself)
    ];

    [Theory]
    [MemberData(nameof(HostileValues))]
    public async Task NoValueOfAnyParameterIsAServerError(string value)
    {
        var v = Uri.EscapeDataString(value);
        List<string> urls =
        [
            $"/api/quotes/XOM/history?from={v}", $"/api/quotes/XOM/history?to={v}", $"/api/quotes/XOM/history?limit={v}",
            $"/api/quotes/XOM/history?from={v}&to={v}", $"/api/recordings/export?symbols={v}", $"/api/recordings/export?from={v}",
            $"/api/recordings/export?to={v}", $"/api/recordings/export?format={v}",
        ];
        // Kestrel itself refuses a NUL in the path with a bare 400 before any middleware runs, and an
        // empty segment matches no route at all.
        if (value.Length > 0 && !value.Contains('\0'))
        {
            urls.AddRange([$"/api/quotes/{v}", $"/api/quotes/{v}/history"]);
        }
        foreach (var url in urls)
        {
            var response = await _http.GetAsync(url);
            var status = (int)response.StatusCode;
            var shown = url.Length > 120 ? url[..120] + "…" : url;
            Assert.True(status < 500, $"{shown} answered {status}");
            if (status >= 400)
            {
                Assert.True("application/problem+json" == response.Content.Headers.ContentType?.MediaType, $"{shown} answered {status} without problem details");
            }
        }
    }
}
