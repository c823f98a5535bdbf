using System.Text.Json;
using TickerService.Market;

namespace TickerService.Server.Plain;

/// <summary>
/// A <c>/ws</c> client's request, <c>{"op":"subscribe","symbols":["XOM"]}</c>, read by hand so
/// that each thing wrong with it is named: not JSON, not an object, no or an unknown <c>op</c>,
/// <c>symbols</c> not a list of strings.
/// </summary>
internal sealed record PlainRequest(string Op, IReadOnlyList<string?>? Symbols, Dictionary<string, long>? After = null)
{
    public const string Subscribe = "subscribe";
    public const string Unsubscribe = "unsubscribe";

    private const string Example = "{\"op\":\"subscribe\",\"symbols\":[\"XOM\"]}";

    /// <summary>Reads the request; <paramref name="op"/> is set as soon as it is known, so an error about the rest can name it.</summary>
    /// <exception cref="ClientRequestException">What is wrong with the frame.</exception>
    public static PlainRequest Parse(ReadOnlyMemory<byte> frame, int maxEchoed, ref string? op)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(frame);
        }
        catch (JsonException exception)
        {
            throw new ClientRequestException($"Not JSON ({exception.Message}). Send a JSON object such as {Example}.");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ClientRequestException($"A request is a JSON object, not {Kind(root)}: send {Example}.");
            }
            if (!root.TryGetProperty("op"u8, out var opElement) || opElement.ValueKind != JsonValueKind.String)
            {
                throw new ClientRequestException($"A request needs \"op\": \"subscribe\" or \"unsubscribe\", as in {Example}.");
            }
            var asked = opElement.GetString()!;
            if (asked is not (Subscribe or Unsubscribe))
            {
                throw new ClientRequestException($"Unknown op '{ClientText.Printable(asked, maxEchoed)}': use \"subscribe\" or \"unsubscribe\".");
            }
            op = asked;
            if (!root.TryGetProperty("symbols"u8, out var symbolsElement) || symbolsElement.ValueKind == JsonValueKind.Null)
            {
                return new PlainRequest(op, null, ReadAfter(root));
            }
            if (symbolsElement.ValueKind != JsonValueKind.Array)
            {
                throw new ClientRequestException($"\"symbols\" must be a list of symbols such as [\"XOM\"] or [\"*\"], not {Kind(symbolsElement)}.");
            }
            var symbols = new List<string?>(symbolsElement.GetArrayLength());
            foreach (var item in symbolsElement.EnumerateArray())
            {
                symbols.Add(item.ValueKind switch
                {
                    JsonValueKind.String => item.GetString(),
                    JsonValueKind.Null => null,
                    _ => throw new ClientRequestException($"\"symbols\" must hold strings such as \"XOM\", not {Kind(item)}."),
                });
            }
            return new PlainRequest(op, symbols, ReadAfter(root));
        }
    }

    // "after": {"XOM": 1234}, the last sequence the client has of each symbol (SPEC 11).
    private static Dictionary<string, long>? ReadAfter(JsonElement root)
    {
        if (!root.TryGetProperty("after"u8, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new ClientRequestException($"\"after\" must be an object of last sequences such as {{\"XOM\": 1234}}, not {Kind(element)}.");
        }
        var after = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt64(out var sequence))
            {
                throw new ClientRequestException($"\"after\" must give each symbol a whole sequence number, as in {{\"XOM\": 1234}}.");
            }
            after[property.Name] = sequence;
        }
        return after;
    }

    private static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
