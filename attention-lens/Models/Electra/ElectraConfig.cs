using System.Text.Json.Serialization;
using AttentionLens.Checkpoints;
using AttentionLens.Models.Bert;

namespace AttentionLens.Models.Electra;

/// <summary><c>config.json</c> of ELECTRA (configuration_electra.py), HF field names and defaults.</summary>
public sealed record ElectraConfig
{
    [JsonPropertyName("vocab_size")] public int VocabSize { get; set; } = 30522;
    [JsonPropertyName("embedding_size")] public int EmbeddingSize { get; set; } = 128;
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; set; } = 256;
    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; set; } = 12;
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; set; } = 4;
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; set; } = 1024;
    [JsonPropertyName("hidden_act")] public string HiddenAct { get; set; } = "gelu";
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; set; } = 512;
    [JsonPropertyName("type_vocab_size")] public int TypeVocabSize { get; set; } = 2;
    [JsonPropertyName("layer_norm_eps")] public double LayerNormEps { get; set; } = 1e-12;
    [JsonPropertyName("position_embedding_type")] public string? PositionEmbeddingType { get; set; } = "absolute";

    /// <summary>The BERT-shaped layer settings (ElectraLayer is BertLayer under other names).</summary>
    public BertConfig ToBert() => new()
    {
        VocabSize = VocabSize, HiddenSize = HiddenSize, NumHiddenLayers = NumHiddenLayers, NumAttentionHeads = NumAttentionHeads,
        IntermediateSize = IntermediateSize, HiddenAct = HiddenAct, MaxPositionEmbeddings = MaxPositionEmbeddings,
        TypeVocabSize = TypeVocabSize, LayerNormEps = LayerNormEps, PadTokenId = 0, PositionEmbeddingType = PositionEmbeddingType,
    };

    public void Validate(string path)
    {
        ToBert().Validate(path);
        ConfigLimits.Check(path, "embedding_size", EmbeddingSize, ConfigLimits.MaxHidden);
        ActivationNames.Parse(HiddenAct, "hidden_act", path);
    }
}
