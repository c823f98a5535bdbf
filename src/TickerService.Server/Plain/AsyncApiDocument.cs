namespace TickerService.Server.Plain;

/// <summary>
/// <c>GET /asyncapi/v1.json</c>: the AsyncAPI 3.0 document of <c>/ws</c> and <c>/sse</c>, beside
/// the OpenAPI one. Written by hand (Plain/asyncapi.json, embedded): no generator knows these
/// frames, and a test checks the document against what the server really sends.
/// </summary>
public static class AsyncApiDocument
{
    public const string Path = "/asyncapi/v1.json";

    private const string ResourceName = "TickerService.Server.Plain.asyncapi.json";

    /// <summary>The document's bytes, read once.</summary>
    public static byte[] Bytes { get; } = Read();

    public static IEndpointRouteBuilder MapAsyncApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, () => Results.Bytes(Bytes, "application/json"))
            .WithDisplayName("AsyncAPI document")
            .ExcludeFromDescription();
        return endpoints;
    }

    private static byte[] Read()
    {
        using var stream = typeof(AsyncApiDocument).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"{ResourceName} is not embedded in the server.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
