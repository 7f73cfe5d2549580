using System.Buffers;
using System.Text.Json;
using AttentionLens.Server.Protocol;

namespace AttentionLens.Server.Lsp;

/// <summary>
/// Checks that a frame's body is one JSON-RPC 2.0 message object before StreamJsonRpc reads it.
/// StreamJsonRpc ends the connection on a body it cannot read (invalid JSON, a batch, a
/// <c>method</c> that is not a string); JSON-RPC 2.0 (§5) instead answers such a message with an
/// error — -32700 for invalid JSON, -32600 for an invalid request — echoing the <c>id</c> when it
/// could be read and <c>null</c> otherwise. <see cref="Check"/> finds that fault without building
/// a document (one forward pass of <see cref="Utf8JsonReader"/> over the top-level members).
/// </summary>
internal static class MessageShape
{
    /// <summary>A fault and the id it is answered with (null: unreadable).</summary>
    public readonly record struct Fault(int Code, string Message, JsonElement? Id);

    public static Fault? Check(ReadOnlySequence<byte> body)
    {
        try
        {
            var whole = new Utf8JsonReader(body);
            if (!whole.Read()) return new Fault(ErrorCodes.ParseError, "Parse error: empty message body.", null);
            while (whole.Read()) { }
        }
        catch (JsonException e)
        {
            return new Fault(ErrorCodes.ParseError, $"Parse error: invalid JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine}.", null);
        }

        var reader = new Utf8JsonReader(body);
        reader.Read();
        if (reader.TokenType == JsonTokenType.StartArray)
            return new Fault(ErrorCodes.InvalidRequest, "Invalid request: batches are not supported; send one message per frame.", null);
        if (reader.TokenType != JsonTokenType.StartObject)
            return new Fault(ErrorCodes.InvalidRequest, "Invalid request: a message must be a JSON object.", null);

        JsonElement? id = null;
        JsonTokenType? method = null, version = null;
        string? versionText = null;
        var hasId = false;
        var isResponse = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "id":
                    hasId = true;
                    if (reader.TokenType is JsonTokenType.Number or JsonTokenType.String)
                        id = JsonElement.ParseValue(ref reader);
                    else if (reader.TokenType != JsonTokenType.Null)
                        return new Fault(ErrorCodes.InvalidRequest, "Invalid request: \"id\" must be a number or a string.", null);
                    continue;
                case "method":
                    method = reader.TokenType;
                    break;
                case "jsonrpc":
                    version = reader.TokenType;
                    versionText = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    break;
                case "result" or "error":
                    isResponse = true;
                    break;
            }
            reader.Skip();
        }

        if (version != JsonTokenType.String || versionText != "2.0")
            return new Fault(ErrorCodes.InvalidRequest, "Invalid request: \"jsonrpc\" must be \"2.0\".", id);
        if (method is { } m && m != JsonTokenType.String)
            return new Fault(ErrorCodes.InvalidRequest, "Invalid request: \"method\" must be a string.", id);
        if (method is null && !isResponse)
            return new Fault(ErrorCodes.InvalidRequest,
                hasId ? "Invalid request: a message with an \"id\" needs a \"method\" (request) or a \"result\" or \"error\" (response)."
                      : "Invalid request: a message needs a \"method\" (request, notification) or an \"id\" (response).", id);
        return null;
    }
}
