using System.Text.Json.Serialization;
using AttentionLens.Models.Gemma;
using AttentionLens.Models.Gemma2;
using AttentionLens.Models.GptNeoX;
using AttentionLens.Models.Olmo2;
using AttentionLens.Models.Opt;
using AttentionLens.Models.Phi;
using AttentionLens.Models.Phi3;

namespace AttentionLens.Models;

/// <summary>Source-generated JSON for the decoder families' config records (settable properties, as
/// <see cref="ModelsJsonContext"/> explains, so absent fields keep the HF defaults).</summary>
[JsonSourceGenerationOptions(ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(DecoderHeadConfig))]
[JsonSerializable(typeof(GptNeoXConfig))]
[JsonSerializable(typeof(OptConfig))]
[JsonSerializable(typeof(PhiConfig))]
[JsonSerializable(typeof(Olmo2Config))]
[JsonSerializable(typeof(Phi3Config))]
[JsonSerializable(typeof(GemmaConfig))]
[JsonSerializable(typeof(Gemma2Config))]
internal sealed partial class DecoderModelsJsonContext : JsonSerializerContext
{
}
