using System.Text.Json.Serialization;

namespace AttentionLens.Checkpoints;

/// <summary>Source-generated JSON for the checkpoint files this folder reads.</summary>
[JsonSourceGenerationOptions(ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(SafetensorsIndex))]
[JsonSerializable(typeof(ConfigHeader))]
internal sealed partial class CheckpointJsonContext : JsonSerializerContext
{
}
