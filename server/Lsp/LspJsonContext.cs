using System.Text.Json;
using System.Text.Json.Serialization;

namespace AttentionLens.Server.Lsp;

/// <summary>
/// Source-generated metadata for the few types the transport itself handles besides the protocol
/// records: optional params (<c>JsonElement?</c>), untyped null results and the
/// <see cref="ProtocolValue"/> wrapper results travel in.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(JsonElement?))]
[JsonSerializable(typeof(object))]
[JsonSerializable(typeof(ProtocolValue))]
internal sealed partial class LspJsonContext : JsonSerializerContext;
