using System.Text.Json.Serialization;

namespace AttentionLens.Checkpoints;

/// <summary>The fields of <c>config.json</c> every architecture shares, read first to dispatch.</summary>
public sealed record ConfigHeader(
    [property: JsonPropertyName("model_type")] string? ModelType,
    [property: JsonPropertyName("architectures")] string[]? Architectures);
