using System.Text.Json;

namespace AttentionLens.Server.Protocol;

/// <summary><c>$/cancelRequest</c>: the id (number or string) of the request to cancel.</summary>
public sealed record CancelParams(JsonElement Id);
