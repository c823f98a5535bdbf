using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using TickerService.Configuration;

namespace TickerService.Server.Security;

/// <summary>
/// Whether a request may come from the page that made it: <c>Ticker:AllowedOrigins</c>, applied
/// to requests that CORS does not guard. A browser lets any page open a WebSocket to any server
/// (CORS is never asked), so without this a page of any origin could use the hub while origins
/// are restricted. A request without an <c>Origin</c> header is not from a page (the .NET, Java
/// and Python clients, curl) and is allowed: the check keeps other sites' pages out, not people.
/// </summary>
public sealed class OriginPolicy
{
    // Null: every origin is allowed ("*" or nothing configured).
    private readonly FrozenSet<string>? _allowed;

    public OriginPolicy(IOptions<TickerOptions> options)
    {
        var origins = options.Value.AllowedOrigins;
        _allowed = origins.Count == 0 || origins.Contains("*")
            ? null
            : origins.Select(Normalize).ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    }

    public bool IsAllowed(HttpContext context)
    {
        var origin = context.Request.Headers.Origin;
        if (origin.Count == 0)
        {
            return true;
        }
        // Two Origin headers are never sent by a browser: refused rather than guessed at.
        return _allowed is null || (origin.Count == 1 && _allowed.Contains(Normalize(origin[0] ?? "")));
    }

    // Origins compare by scheme, host and port, as CORS does: case-insensitive, no trailing slash.
    private static string Normalize(string origin) => origin.Trim().TrimEnd('/');
}
