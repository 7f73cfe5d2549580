using System.Text.Json.Serialization;

namespace AttentionLens.Checkpoints;

/// <summary><c>model.safetensors.index.json</c>: which shard holds each tensor.</summary>
public sealed record SafetensorsIndex(
    [property: JsonPropertyName("weight_map")] Dictionary<string, string>? WeightMap);
