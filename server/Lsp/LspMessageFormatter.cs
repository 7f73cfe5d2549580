using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AttentionLens.Server.Protocol;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace AttentionLens.Server.Lsp;

/// <summary>
/// StreamJsonRpc's <see cref="SystemTextJsonFormatter"/> with the source-generated contexts as its
/// only type resolver (no reflection-based serialization: a type missing from
/// <see cref="ProtocolJsonContext"/> or <see cref="LspJsonContext"/> fails loudly), and one
/// addition: a body that is not a JSON-RPC message object (see <see cref="MessageShape"/>) is
/// turned into a request for <see cref="MalformedMethod"/>, carrying the fault and the readable id,
/// so the connection answers it per JSON-RPC and goes on instead of ending.
/// </summary>
internal sealed class LspMessageFormatter : SystemTextJsonFormatter, IJsonRpcMessageFormatter, IJsonRpcMessageTextFormatter
{
    /// <summary>The internal method a malformed message becomes; its handler throws the fault.</summary>
    public const string MalformedMethod = "$/attentionLens/malformedMessage";

    public LspMessageFormatter()
    {
        JsonSerializerOptions = new JsonSerializerOptions(ProtocolJsonContext.Default.Options)
        {
            TypeInfoResolver = JsonTypeInfoResolver.Combine(ProtocolJsonContext.Default, LspJsonContext.Default, new ConverterOnlyResolver()),
        };
    }

    /// <summary>
    /// Metadata for the types StreamJsonRpc reads with converters it registers itself (the
    /// <c>RequestId</c> of <c>$/cancelRequest</c>): built from that converter, never by reflection
    /// over the type.
    /// </summary>
    private sealed class ConverterOnlyResolver : IJsonTypeInfoResolver
    {
        public JsonTypeInfo? GetTypeInfo(Type type, JsonSerializerOptions options)
        {
            foreach (var converter in options.Converters)
                if (converter.CanConvert(type))
                    return JsonTypeInfo.CreateJsonTypeInfo(type, options);
            return null;
        }
    }

    JsonRpcMessage IJsonRpcMessageFormatter.Deserialize(ReadOnlySequence<byte> contentBuffer) =>
        ((IJsonRpcMessageTextFormatter)this).Deserialize(contentBuffer, Encoding);

    JsonRpcMessage IJsonRpcMessageTextFormatter.Deserialize(ReadOnlySequence<byte> contentBuffer, Encoding encoding) =>
        MessageShape.Check(contentBuffer) is { } fault
            ? Deserialize(new ReadOnlySequence<byte>(MalformedRequest(fault)), encoding)
            : Deserialize(contentBuffer, encoding);

    private static byte[] MalformedRequest(MessageShape.Fault fault)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("jsonrpc", "2.0");
            w.WritePropertyName("id");
            if (fault.Id is { } id) id.WriteTo(w);
            else w.WriteNullValue();
            w.WriteString("method", MalformedMethod);
            w.WritePropertyName("params");
            JsonSerializer.Serialize(w, new ResponseError(fault.Code, fault.Message), ProtocolJsonContext.Default.ResponseError);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
