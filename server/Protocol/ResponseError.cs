using System.Text.Json;

namespace AttentionLens.Server.Protocol;

/// <summary>The <c>error</c> member of a JSON-RPC response.</summary>
public sealed record ResponseError(int Code, string Message, ErrorData? Data = null);

/// <summary>Structured detail of our application errors: the path at fault and what was expected.</summary>
public sealed record ErrorData(string? Path = null, string? Expected = null, int? Tokens = null, int? Limit = null);

/// <summary>An incoming message before it is known to be a request, notification or response.</summary>
public sealed record IncomingMessage
{
    public string? Jsonrpc { get; init; }
    public JsonElement? Id { get; init; }
    public string? Method { get; init; }
    public JsonElement? Params { get; init; }
    public JsonElement? Result { get; init; }
    public ResponseError? Error { get; init; }
}
