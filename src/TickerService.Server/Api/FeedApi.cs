using Microsoft.AspNetCore.Http.HttpResults;
using TickerService.Server.Feed;
using TickerService.Server.Security;

namespace TickerService.Server.Api;

/// <summary><c>GET /api/feed</c> (SPEC section 9): what drives the live feed, the same object as the hub's <c>GetFeed()</c>.</summary>
public static class FeedApi
{
    public static IEndpointRouteBuilder MapFeedApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/api").WithTags("Feed").RequireRateLimiting(SecurityExtensions.ApiRateLimit)
            .MapGet("/feed", GetFeed)
            .WithSummary("What drives the live feed: simulator or replay, the replay's pace, and the time being played.");
        return endpoints;
    }

    private static Ok<FeedStatus> GetFeed(FeedState feed) => TypedResults.Ok(feed.Current);
}
