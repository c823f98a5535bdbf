using System.Reflection;
using System.Runtime.CompilerServices;
using TickerService.Market;

namespace TickerService.Server.Hub;

/// <summary>
/// Stands in for the arguments of an invocation whose arguments the protocol could not read
/// (<see cref="ArgumentCheckingProtocol"/>), so that <see cref="ClientErrorFilter"/> can answer
/// with the method's own parameter names instead of SignalR's "an error on the server".
/// </summary>
/// <param name="Given">How many arguments the client sent.</param>
/// <param name="Unreadable">The 0-based index of the first argument that could not be read; null when the count is wrong.</param>
/// <param name="Failure">What the protocol's serializer said.</param>
internal sealed record UnreadableArguments(int Given, int? Unreadable, Exception Failure)
{
    private const int MaxDetailChars = 200;

    // Marker argument -> what it stands for. The dispatcher drops an argument whose type does not
    // fit its parameter when the method also takes a CancellationToken, so the failure travels
    // as a marker of the first parameter's own type, found again here by reference.
    private static readonly ConditionalWeakTable<object, UnreadableArguments> Markers = new();

    /// <summary>Arguments for the method's parameters whose first is a marker that carries <paramref name="failure"/>.</summary>
    public static object?[] Carry(UnreadableArguments failure, IReadOnlyList<Type> parameters)
    {
        var marker = parameters.Count == 0 ? new object() : MarkerOf(parameters[0]);
        Markers.AddOrUpdate(marker, failure);
        var arguments = new object?[Math.Max(1, parameters.Count)];
        arguments[0] = marker;
        return arguments;
    }

    /// <summary>The failure a hub call's arguments carry, if they are a <see cref="Carry"/>.</summary>
    public static UnreadableArguments? Find(IReadOnlyList<object?> arguments)
    {
        foreach (var argument in arguments)
        {
            if (argument is not null && Markers.TryGetValue(argument, out var failure))
            {
                return failure;
            }
        }
        return null;
    }

    // A fresh instance (a fresh box for a value type), so that only this one is a marker.
    private static object MarkerOf(Type type) => type switch
    {
        _ when type == typeof(string) => new string('?', 1),
        { IsArray: true } => Array.CreateInstance(type.GetElementType()!, 0),
        { IsAbstract: true } or { IsInterface: true } => new object(),
        _ => RuntimeHelpers.GetUninitializedObject(Nullable.GetUnderlyingType(type) ?? type),
    };

    public string Describe(MethodInfo method)
    {
        var parameters = method.GetParameters().Where(p => p.ParameterType != typeof(CancellationToken)).ToArray();
        if (Unreadable is not { } index || index >= parameters.Length)
        {
            var expected = parameters.Length == 0
                ? "no arguments"
                : string.Join(", ", parameters.Select(p => $"{p.Name} ({Expected(p.ParameterType)})"));
            return $"'{method.Name}' takes {parameters.Length} argument(s): {expected}; {Given} given.";
        }
        var parameter = parameters[index];
        return $"'{method.Name}': argument {index + 1} ({parameter.Name}) could not be read: give {Expected(parameter.ParameterType)}. ({Detail()})";
    }

    private string Detail()
    {
        var innermost = Failure;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }
        return ClientText.Printable(innermost.Message, MaxDetailChars);
    }

    private static string Expected(Type type) => type switch
    {
        _ when type == typeof(string) => "a string",
        _ when type == typeof(string[]) => "an array of strings",
        _ when type == typeof(double) => "a number",
        _ when type == typeof(DateTime) => "a timestamp: an ISO-8601 string in JSON, a MessagePack timestamp in MessagePack",
        _ when type == typeof(ReplayRequest) =>
            "a replay request { symbols: string[], from: timestamp, to: timestamp or null, speed: number, replayId: string }, timestamps as ISO-8601 strings in JSON, MessagePack timestamps in MessagePack",
        _ => $"a {type.Name}",
    };
}
