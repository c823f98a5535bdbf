using System.Buffers;
using System.Text.Json;
using MessagePack;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace TickerService.Server.Hub;

/// <summary>
/// A hub protocol (JSON or MessagePack) with two of SignalR's answers to a client's mistake made
/// clear, at the one place both protocols pass through:
/// <list type="bullet">
/// <item>Arguments that cannot be read (a number for a string array, a bad date, a wrong count)
/// reach the dispatcher as a binding failure, which it answers "Failed to invoke 'X' due to an
/// error on the server." Here the failure becomes an invocation of the same method that carries
/// an <see cref="UnreadableArguments"/>, which <see cref="ClientErrorFilter"/> turns into a
/// <see cref="HubException"/> naming the method and the argument before the method runs.</item>
/// <item>A message of an unknown type is consumed and dropped by both protocols, which the
/// connection handler takes for "no message yet": with a receive limit set it parses the same
/// bytes forever and the connection never answers again (dotnet/aspnetcore#69285). Here it
/// closes the connection with a reason instead.</item>
/// </list>
/// </summary>
internal sealed class ArgumentCheckingProtocol(IHubProtocol inner) : IHubProtocol
{
    /// <summary>The protocol this one checks for, whose wire format the broadcast writes directly.</summary>
    public IHubProtocol Inner => inner;

    public string Name => inner.Name;

    public int Version => inner.Version;

    public TransferFormat TransferFormat => inner.TransferFormat;

    public bool IsVersionSupported(int version) => inner.IsVersionSupported(version);

    public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out HubMessage? message)
    {
        var before = input;
        if (!inner.TryParseMessage(ref input, binder, out message))
        {
            if (input.Length != before.Length)
            {
                // A whole frame was read and dropped: an unknown message type.
                throw new HubException(
                    "The server received a message of a type it does not know, and closed the connection. Use a SignalR client of protocol version 1.");
            }
            return false;
        }
        if (message is InvocationBindingFailureMessage failure)
        {
            message = Explain(before.Slice(0, before.Length - input.Length), failure, binder) ?? message;
        }
        return true;
    }

    public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => inner.WriteMessage(message, output);

    public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => inner.GetMessageBytes(message);

    /// <summary>The failed invocation again, carrying what was wrong; null to leave SignalR's answer.</summary>
    private HubMessage? Explain(ReadOnlySequence<byte> frame, InvocationBindingFailureMessage failure, IInvocationBinder binder)
    {
        IReadOnlyList<Type> parameters;
        try
        {
            parameters = binder.GetParameterTypes(failure.Target);
        }
        catch (HubException)
        {
            // No such method: the dispatcher answers "Unknown hub method" when asked for it by name.
            return new InvocationMessage(failure.InvocationId, failure.Target, []);
        }
        if (ReadShape(frame) is not var (type, given))
        {
            return null;
        }

        var unreadable = given == parameters.Count ? FirstUnreadable(frame, parameters) : null;
        var arguments = UnreadableArguments.Carry(new UnreadableArguments(given, unreadable, failure.BindingFailure.SourceException), parameters);
        return type == HubProtocolConstants.StreamInvocationMessageType
            ? new StreamInvocationMessage(failure.InvocationId!, failure.Target, arguments)
            : new InvocationMessage(failure.InvocationId, failure.Target, arguments);
    }

    // Reads the frame again with one parameter's real type at a time and the rest as object,
    // which binds anything: the first that fails is the argument to name. At most one parse per
    // parameter of a message that already fits the receive limit.
    private int? FirstUnreadable(ReadOnlySequence<byte> frame, IReadOnlyList<Type> parameters)
    {
        for (var i = 0; i < parameters.Count; i++)
        {
            var types = new Type[parameters.Count];
            Array.Fill(types, typeof(object));
            types[i] = parameters[i];
            var copy = frame;
            if (inner.TryParseMessage(ref copy, new FixedBinder(types), out var probed) && probed is InvocationBindingFailureMessage)
            {
                return i;
            }
        }
        return null;
    }

    /// <summary>The message type and the number of arguments of an invocation frame.</summary>
    private (int Type, int Arguments)? ReadShape(ReadOnlySequence<byte> frame)
    {
        try
        {
            return Name == "messagepack" ? ReadMessagePackShape(frame) : ReadJsonShape(frame);
        }
        catch (Exception exception) when (exception is JsonException or MessagePackSerializationException or EndOfStreamException or InvalidOperationException)
        {
            return null;
        }
    }

    private static (int, int)? ReadJsonShape(ReadOnlySequence<byte> frame)
    {
        // The frame ends with the record separator (0x1E).
        var reader = new Utf8JsonReader(frame.Slice(0, frame.Length - 1));
        int? type = null;
        var arguments = 0;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                type = reader.GetInt32();
            }
            else if (reader.ValueTextEquals("arguments"u8))
            {
                reader.Read();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    arguments++;
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return type is { } t ? (t, arguments) : null;
    }

    private static (int, int)? ReadMessagePackShape(ReadOnlySequence<byte> frame)
    {
        // A varint length prefix, then [type, headers, invocationId, target, arguments, ...].
        var prefix = 0;
        foreach (var b in frame.Slice(0, Math.Min(5, frame.Length)).ToArray())
        {
            prefix++;
            if ((b & 0x80) == 0)
            {
                break;
            }
        }
        var reader = new MessagePackReader(frame.Slice(prefix));
        if (reader.ReadArrayHeader() < 5)
        {
            return null;
        }
        var type = reader.ReadInt32();
        reader.Skip(); // headers
        reader.Skip(); // invocation id
        reader.Skip(); // target
        return (type, reader.ReadArrayHeader());
    }

    private sealed class FixedBinder(IReadOnlyList<Type> parameters) : IInvocationBinder
    {
        public IReadOnlyList<Type> GetParameterTypes(string methodName) => parameters;

        public Type GetReturnType(string invocationId) => throw new NotSupportedException();

        public Type GetStreamItemType(string streamId) => throw new NotSupportedException();
    }
}
