using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using TickerService.Market;

namespace TickerService.Json;

/// <summary>
/// Writes a quote as the JSON that System.Text.Json writes for it with SignalR's payload options or
/// the web defaults (camelCase, <see cref="UtcMillisecondsConverter"/> for the timestamp), byte
/// for byte, faster: a price made from whole ticks is printed from its integer digits. The
/// general double formatting (shortest round trip) was about three quarters of a quote's JSON
/// (10 prices a quote), and the fan-out serializes every distinct quote of a tick.
/// </summary>
/// <remarks>
/// Why the digits are the same: a price p is printed as the decimal d = k / 10^n with the fewest
/// places n (0 to 8) whose nearest double is p, when |k| is below 10^15. Two different decimals of
/// at most 15 significant digits never share a nearest double, so no shorter decimal round-trips
/// to p, and the shortest round-trip string that .NET prints is d. Anything else (more places,
/// 16 or more digits, below 1e-4 where .NET switches to exponents, -0) goes to the writer's own
/// formatting. <c>QuoteJsonWriterTests</c> hold both to the serializer's output.
/// </remarks>
public static class QuoteJsonWriter
{
    private const int MaxPlaces = 8;
    private const double MaxTicks = 1e15;

    // Below this .NET prints an exponent (5E-05).
    private const double MinPlain = 1e-4;

    private static readonly double[] PowersOfTen = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8];

    // The property names as the serializer derives them: camelCase of the C# names.
    private static readonly JsonEncodedText Symbol = PropertyName(nameof(Quote.Symbol));
    private static readonly JsonEncodedText Name = PropertyName(nameof(Quote.Name));
    private static readonly JsonEncodedText Last = PropertyName(nameof(Quote.Last));
    private static readonly JsonEncodedText Change = PropertyName(nameof(Quote.Change));
    private static readonly JsonEncodedText ChangePercent = PropertyName(nameof(Quote.ChangePercent));
    private static readonly JsonEncodedText Open = PropertyName(nameof(Quote.Open));
    private static readonly JsonEncodedText High = PropertyName(nameof(Quote.High));
    private static readonly JsonEncodedText Low = PropertyName(nameof(Quote.Low));
    private static readonly JsonEncodedText PreviousClose = PropertyName(nameof(Quote.PreviousClose));
    private static readonly JsonEncodedText Volume = PropertyName(nameof(Quote.Volume));
    private static readonly JsonEncodedText PreviousVolume = PropertyName(nameof(Quote.PreviousVolume));
    private static readonly JsonEncodedText Buy = PropertyName(nameof(Quote.Buy));
    private static readonly JsonEncodedText Sell = PropertyName(nameof(Quote.Sell));
    private static readonly JsonEncodedText Timestamp = PropertyName(nameof(Quote.Timestamp));
    private static readonly JsonEncodedText Sequence = PropertyName(nameof(Quote.Sequence));
    private static readonly JsonEncodedText Session = PropertyName(nameof(Quote.Session));

    /// <summary>
    /// Whether the serializer with <paramref name="options"/> writes a quote as this class does
    /// (SignalR's and the web defaults do). Strings are escaped by the writer's own encoder either
    /// way: give the writer the options' encoder.
    /// </summary>
    public static bool Matches(JsonSerializerOptions options) =>
        options.PropertyNamingPolicy == JsonNamingPolicy.CamelCase && options.Converters.Count == 0 &&
        options.DefaultIgnoreCondition == JsonIgnoreCondition.Never && !options.WriteIndented &&
        (options.NumberHandling & (JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowNamedFloatingPointLiterals)) == 0 &&
        options.TypeInfoResolver is null or DefaultJsonTypeInfoResolver { Modifiers.Count: 0 };

    /// <summary>The quote as one JSON object, in the property order of <see cref="Quote"/>.</summary>
    public static void Write(Utf8JsonWriter writer, Quote quote)
    {
        writer.WriteStartObject();
        writer.WriteString(Symbol, quote.Symbol);
        writer.WriteString(Name, quote.Name);
        WritePrice(writer, Last, quote.Last);
        WritePrice(writer, Change, quote.Change);
        WritePrice(writer, ChangePercent, quote.ChangePercent);
        WritePrice(writer, Open, quote.Open);
        WritePrice(writer, High, quote.High);
        WritePrice(writer, Low, quote.Low);
        WritePrice(writer, PreviousClose, quote.PreviousClose);
        writer.WriteNumber(Volume, quote.Volume);
        writer.WriteNumber(PreviousVolume, quote.PreviousVolume);
        WritePrice(writer, Buy, quote.Buy);
        WritePrice(writer, Sell, quote.Sell);
        writer.WritePropertyName(Timestamp);
        UtcMillisecondsConverter.WriteValue(writer, quote.Timestamp);
        writer.WriteNumber(Sequence, quote.Sequence);
        writer.WriteString(Session, quote.Session);
        writer.WriteEndObject();
    }

    /// <summary>
    /// <paramref name="value"/> as the shortest decimal that round-trips, when it is a whole number
    /// of 10^-n (n ≤ 8) with fewer than 16 digits; false otherwise.
    /// </summary>
    public static bool TryFormatPrice(double value, Span<byte> output, out int written)
    {
        written = 0;
        if (value == 0)
        {
            // +0 prints "0"; -0 prints "-0", left to the writer.
            if (double.IsNegative(value))
            {
                return false;
            }
            output[0] = (byte)'0';
            written = 1;
            return true;
        }
        var magnitude = Math.Abs(value);
        if (!(magnitude >= MinPlain && magnitude < MaxTicks))
        {
            return false;
        }
        for (var places = 0; places <= MaxPlaces; places++)
        {
            var scaled = magnitude * PowersOfTen[places];
            if (scaled >= MaxTicks)
            {
                return false;
            }
            var ticks = Math.Round(scaled);
            if (ticks / PowersOfTen[places] == magnitude)
            {
                written = Digits((long)ticks, places, value < 0, output);
                return true;
            }
        }
        return false;
    }

    private static void WritePrice(Utf8JsonWriter writer, JsonEncodedText name, double value)
    {
        Span<byte> digits = stackalloc byte[24];
        if (TryFormatPrice(value, digits, out var written))
        {
            writer.WritePropertyName(name);
            writer.WriteRawValue(digits[..written], skipInputValidation: true);
        }
        else
        {
            writer.WriteNumber(name, value);
        }
    }

    private static JsonEncodedText PropertyName(string name) => JsonEncodedText.Encode(JsonNamingPolicy.CamelCase.ConvertName(name));

    // ticks / 10^places in plain notation: "-12.34", "0.05", "7".
    private static int Digits(long ticks, int places, bool negative, Span<byte> output)
    {
        Span<byte> reversed = stackalloc byte[20];
        var count = 0;
        do
        {
            reversed[count++] = (byte)('0' + (int)(ticks % 10));
            ticks /= 10;
        }
        while (ticks > 0 || count <= places); // at least one digit before the point
        var at = 0;
        if (negative)
        {
            output[at++] = (byte)'-';
        }
        for (var i = count - 1; i >= 0; i--)
        {
            output[at++] = reversed[i];
            if (i == places && places > 0)
            {
                output[at++] = (byte)'.';
            }
        }
        return at;
    }
}
