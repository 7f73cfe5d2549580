using System.Text.Json.Serialization;
using AttentionLens.Models.Albert;
using AttentionLens.Models.DebertaV2;
using AttentionLens.Models.Electra;

namespace AttentionLens.Models.Heads;

/// <summary>Source-generated JSON for the encoder families' config records and the label fields
/// (settable properties, for the reason <see cref="ModelsJsonContext"/> gives).</summary>
[JsonSourceGenerationOptions(ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(LabelConfig))]
[JsonSerializable(typeof(ElectraConfig))]
[JsonSerializable(typeof(AlbertConfig))]
[JsonSerializable(typeof(DebertaV2Config))]
internal sealed partial class EncodersJsonContext : JsonSerializerContext
{
}
