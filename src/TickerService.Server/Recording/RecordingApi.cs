using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using System.Data.Common;
using Microsoft.Extensions.Options;
using TickerService.Configuration;
using TickerService.Market;
using TickerService.Server.Api;
using TickerService.Server.Registry;
using TickerService.Server.Security;

namespace TickerService.Server.Recording;

/// <summary>
/// The recording over HTTP (SPEC section 3): a symbol's history, export as JSON Lines or CSV
/// (streamed), and import (administrators only, validated whole before anything is written).
/// </summary>
public static class RecordingApi
{
    public const string AdminKeyHeader = "X-Admin-Key";
    public const int DefaultHistoryLimit = 1000;
    public const int MaxHistoryLimit = 10_000;

    public static IEndpointRouteBuilder MapRecordingApi(this IEndpointRouteBuilder endpoints)
    {
        // Same-origin and rate-limited like the rest of the HTTP API.
        var api = endpoints.MapGroup("/api").WithTags("Recordings").RequireRateLimiting(SecurityExtensions.ApiRateLimit)
            .AddEndpointFilter<QueryProblemFilter>();
        api.MapGet("/quotes/{symbol}/history", GetHistory)
            .WithSummary("Recorded quotes of one instrument, oldest first (default: the last hour, at most 1000).");
        api.MapGet("/recordings/export", Export)
            .WithSummary("A recording as JSON Lines or CSV, streamed.");
        api.MapPost("/recordings/import", Import)
            .WithSummary($"Loads a JSON Lines or CSV recording, or price bars with format=bars (administrators: key in {AdminKeyHeader}).")
            .DisableAntiforgery();
        return endpoints;
    }

    private static ProblemHttpResult TooLarge(long? bytes, long maxBytes) =>
        TypedResults.Problem(
            title: "Import too large",
            detail: $"{(bytes is null ? "The import is" : $"The import is {bytes:N0} bytes,")} over the limit of {maxBytes:N0} bytes (Ticker:Limits:MaxImportBytes). Split the recording into smaller files. Nothing was imported.",
            statusCode: StatusCodes.Status413PayloadTooLarge);

    private static Results<Ok<List<Quote>>, ProblemHttpResult> GetHistory(
        string symbol, string? from, string? to, string? limit, InstrumentRegistry registry, RecordingStore store, TimeProvider time)
    {
        if (!SymbolRoute.TryResolve(symbol, registry, out var normalized, out var problem))
        {
            return problem!;
        }
        // The default start is an hour before the end, or year 1 for an end within its first hour.
        var (start, end) = QueryValues.Range(from, to, time.GetUtcNow().UtcDateTime,
            end => end - DateTime.MinValue < TimeSpan.FromHours(1) ? DateTime.MinValue : end.AddHours(-1));
        var count = QueryValues.Count(limit, "limit", 1, MaxHistoryLimit, DefaultHistoryLimit);
        return TypedResults.Ok(store.Read([normalized], start, end, Math.Min(count, RecordingStore.DefaultChunkSize)).Take(count).ToList());
    }

    private static PushStreamHttpResult Export(
        string? symbols, string? from, string? to, string? format, InstrumentRegistry registry, RecordingStore store, TimeProvider time,
        IOptions<TickerOptions> options)
    {
        var kind = QueryValues.Choice(format, "format", RecordingFormats.JsonLines, RecordingFormats.JsonLines, RecordingFormats.Csv);
        // "*" (or none): every instrument the registry knows, which is every recorded symbol.
        var filter = registry.Resolve(
            string.IsNullOrWhiteSpace(symbols) ? [Symbols.All] : symbols.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
            Math.Max(registry.Count, options.Value.Limits.MaxSymbolsPerConnection));
        var (start, end) = QueryValues.Range(from, to, time.GetUtcNow().UtcDateTime, _ => DateTime.UnixEpoch);
        return TypedResults.Stream(
            body => RecordingFormats.WriteAsync(body, store.Read(filter, start, end), kind, CancellationToken.None),
            RecordingFormats.ContentType(kind),
            $"recording.{kind}");
    }

    private static async Task<Results<Ok<ImportResult>, ProblemHttpResult>> Import(
        HttpRequest request, [FromQuery] string? format, [FromQuery] string? symbol, [FromQuery] string? name, [FromQuery] string? tickSize,
        InstrumentRegistry registry, RecordingImporter importer, RecordingStore store, IOptions<TickerOptions> options, CancellationToken cancellationToken)
    {
        var key = options.Value.AdminKey;
        if (string.IsNullOrEmpty(key))
        {
            return TypedResults.Problem(
                title: "Import is off",
                detail: "Importing recordings is off on this server: set Ticker:AdminKey to turn it on.",
                statusCode: StatusCodes.Status404NotFound);
        }
        if (!KeyMatches(request.Headers[AdminKeyHeader].ToString(), key))
        {
            return TypedResults.Problem(
                title: "Administrators only",
                detail: $"Give the administrator key (Ticker:AdminKey) in the {AdminKeyHeader} header.",
                statusCode: StatusCodes.Status403Forbidden);
        }
        var kind = string.IsNullOrWhiteSpace(format)
            ? FormatOf(request.ContentType)
            : QueryValues.Choice(format, "format", RecordingFormats.JsonLines, RecordingFormats.JsonLines, RecordingFormats.Csv, PriceBars.Format);
        var tick = kind == PriceBars.Format && !string.IsNullOrWhiteSpace(tickSize) ? QueryValues.TickSize(tickSize, "tickSize") : (decimal?)null;

        // The whole file is validated in memory before anything is written, so its size is capped.
        var maxBytes = options.Value.Limits.MaxImportBytes;
        if (request.ContentLength > maxBytes)
        {
            return TooLarge(request.ContentLength.Value, maxBytes);
        }
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = maxBytes; // a body sent without Content-Length stops here too
        }

        int imported;
        try
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            if (kind == PriceBars.Format)
            {
                imported = await importer.ImportBarsAsync(await reader.ReadToEndAsync(cancellationToken), symbol, name, tick, cancellationToken);
            }
            else
            {
                var quotes = await RecordingFormats.ReadAsync(reader, kind, registry.TickSizeOf, cancellationToken);
                imported = await importer.ImportAsync(quotes, cancellationToken);
            }
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(null, maxBytes);
        }
        catch (RecordingFormatException exception)
        {
            return ImportProblem("Invalid recording", exception.Message, exception.Line, exception.Field, StatusCodes.Status400BadRequest);
        }
        catch (RecordingConflictException exception)
        {
            return ImportProblem("Conflicts with the recording", exception.Message, exception.Line, exception.Field, StatusCodes.Status409Conflict);
        }
        catch (DbException exception) when (store.Engine.IsDuplicate(exception))
        {
            return TypedResults.Problem(
                title: "Already recorded",
                detail: "The recording already holds a quote of this file (same symbol, timestamp and sequence). Nothing was imported.",
                statusCode: StatusCodes.Status409Conflict);
        }
        return TypedResults.Ok(new ImportResult(imported));
    }

    private static ProblemHttpResult ImportProblem(string title, string message, int line, string? field, int status) =>
        TypedResults.Problem(
            title: title,
            detail: $"{message} Nothing was imported.",
            statusCode: status,
            extensions: new Dictionary<string, object?> { ["line"] = line, ["field"] = field });

    // Hashing first makes the comparison's time independent of the keys' lengths too.
    private static bool KeyMatches(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    private static string? FormatOf(string? contentType) => contentType switch
    {
        null => null,
        _ when contentType.Contains("csv", StringComparison.OrdinalIgnoreCase) => RecordingFormats.Csv,
        _ when contentType.Contains("ndjson", StringComparison.OrdinalIgnoreCase) || contentType.Contains("jsonl", StringComparison.OrdinalIgnoreCase) => RecordingFormats.JsonLines,
        _ => null,
    };
}

/// <summary>How many quotes an import wrote.</summary>
public sealed record ImportResult(int Imported);
