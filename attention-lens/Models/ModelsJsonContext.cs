using System.Text.Json.Serialization;
using AttentionLens.Models.Bert;
using AttentionLens.Models.DistilBert;
using AttentionLens.Models.Gpt2;
using AttentionLens.Models.Llama;

namespace AttentionLens.Models;

/// <summary>Source-generated JSON for the architectures' config records. Their properties are
/// settable, not init-only: the source generator assigns every init-only property in its object
/// initializer, so a field absent from config.json would get default(T) instead of the HF default.</summary>
[JsonSourceGenerationOptions(ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(BertConfig))]
[JsonSerializable(typeof(DistilBertConfig))]
[JsonSerializable(typeof(Gpt2Config))]
[JsonSerializable(typeof(LlamaConfig))]
internal sealed partial class ModelsJsonContext : JsonSerializerContext
{
}
