using System.Text.Json;
using System.Text.Json.Serialization;

namespace AttentionLens.Server.Lsp;

/// <summary>
/// Source-generated metadata for the few types the transport itself handles besides the protocol
/// records: optional params (<c>JsonElement?</c>) and untyped null results.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(JsonElement?))]
[JsonSerializable(typeof(object))]
internal sealed partial class LspJsonContext : JsonSerializerContext;
