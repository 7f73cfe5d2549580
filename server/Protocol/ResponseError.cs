using System.Text.Json;

namespace AttentionLens.Server.Protocol;

/// <summary>The <c>error</c> member of a JSON-RPC response.</summary>
public sealed record ResponseError(int Code, string Message, ErrorData? Data = null);

/// <summary>Structured detail of our application errors: the path at fault and what was expected.</summary>
public sealed record ErrorData(string? Path = null, string? Expected = null, int? Tokens = null, int? Limit = null);
