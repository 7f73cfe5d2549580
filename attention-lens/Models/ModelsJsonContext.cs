using System.Text.Json.Serialization;
using AttentionLens.Models.Bert;
using AttentionLens.Models.DistilBert;
using AttentionLens.Models.Gpt2;
using AttentionLens.Models.Llama;

namespace AttentionLens.Models;

/// <summary>Source-generated JSON for the architectures' config records.</summary>
[JsonSourceGenerationOptions(ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(BertConfig))]
[JsonSerializable(typeof(DistilBertConfig))]
[JsonSerializable(typeof(Gpt2Config))]
[JsonSerializable(typeof(LlamaConfig))]
internal sealed partial class ModelsJsonContext : JsonSerializerContext
{
}
