using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace AttentionLens.Server.Lsp;

/// <summary>
/// A result, or the params of a request or notification the server sends, that StreamJsonRpc
/// writes by handing its writer to our source-generated metadata (<c>ProtocolJsonContext.Default</c>'s
/// <see cref="JsonTypeInfo{T}"/>): the same bytes its own options would write. Why not let its options do it: the formatter's options carry
/// StreamJsonRpc's converters (progress, async enumerables, marshalable objects, pipes, streams,
/// exceptions), so every type of a result's graph was first checked against each of them, mostly by
/// reflection over the type's interfaces and attributes, and got its metadata built a second time
/// in those options: about 10 ms of CPU on the first analysis's answer
/// (scripts/bench-server-startup.sh). Wrapped, only this one type meets those converters.
/// </summary>
[JsonConverter(typeof(Converter))]
internal sealed class ProtocolValue
{
    private readonly Action<Utf8JsonWriter> write;

    private ProtocolValue(Action<Utf8JsonWriter> write) => this.write = write;

    public static ProtocolValue Of<T>(T value, JsonTypeInfo<T> type) => new(w => JsonSerializer.Serialize(w, value, type));

    /// <summary>Writes only: these values leave the server, they are never read back into this type.</summary>
    internal sealed class Converter : JsonConverter<ProtocolValue>
    {
        public override ProtocolValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("A ProtocolValue is written, never read.");

        public override void Write(Utf8JsonWriter writer, ProtocolValue value, JsonSerializerOptions options) => value.write(writer);
    }
}
