using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AttentionLens.Server.Protocol;

namespace AttentionLens.Server.Lsp;

/// <summary>
/// Writes JSON-RPC 2.0 envelopes around typed payloads. The envelope is written by hand (it is
/// three fixed members); every payload goes through the source-generated type info.
/// </summary>
internal static class MessageSerializer
{
    public static byte[] Response<T>(JsonElement id, T? result, JsonTypeInfo<T> type) =>
        Write(w =>
        {
            w.WritePropertyName("id");
            id.WriteTo(w);
            w.WritePropertyName("result");
            if (result is null) w.WriteNullValue();
            else JsonSerializer.Serialize(w, result, type);
        });

    public static byte[] Error(JsonElement? id, ResponseError error) =>
        Write(w =>
        {
            w.WritePropertyName("id");
            if (id is { } value) value.WriteTo(w);
            else w.WriteNullValue();
            w.WritePropertyName("error");
            JsonSerializer.Serialize(w, error, ProtocolJsonContext.Default.ResponseError);
        });

    public static byte[] Request<T>(JsonElement id, string method, T parameters, JsonTypeInfo<T> type) =>
        Write(w =>
        {
            w.WritePropertyName("id");
            id.WriteTo(w);
            w.WriteString("method", method);
            w.WritePropertyName("params");
            JsonSerializer.Serialize(w, parameters, type);
        });

    public static byte[] Notification<T>(string method, T parameters, JsonTypeInfo<T> type) =>
        Write(w =>
        {
            w.WriteString("method", method);
            w.WritePropertyName("params");
            JsonSerializer.Serialize(w, parameters, type);
        });

    // LSP clients read any valid JSON; relaxed escaping keeps quotes and non-ASCII text readable.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static byte[] Write(Action<Utf8JsonWriter> members)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("jsonrpc", "2.0");
            members(w);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
