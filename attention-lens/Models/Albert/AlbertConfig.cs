using System.Text.Json.Serialization;
using AttentionLens.Checkpoints;

namespace AttentionLens.Models.Albert;

/// <summary><c>config.json</c> of ALBERT (configuration_albert.py), HF field names and defaults.</summary>
public sealed record AlbertConfig
{
    [JsonPropertyName("vocab_size")] public int VocabSize { get; set; } = 30000;
    [JsonPropertyName("embedding_size")] public int EmbeddingSize { get; set; } = 128;
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; set; } = 4096;
    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; set; } = 12;
    [JsonPropertyName("num_hidden_groups")] public int NumHiddenGroups { get; set; } = 1;
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; set; } = 64;
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; set; } = 16384;
    [JsonPropertyName("inner_group_num")] public int InnerGroupNum { get; set; } = 1;
    [JsonPropertyName("hidden_act")] public string HiddenAct { get; set; } = "gelu_new";
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; set; } = 512;
    [JsonPropertyName("type_vocab_size")] public int TypeVocabSize { get; set; } = 2;
    [JsonPropertyName("layer_norm_eps")] public double LayerNormEps { get; set; } = 1e-12;
    [JsonPropertyName("position_embedding_type")] public string? PositionEmbeddingType { get; set; } = "absolute";

    public int HeadDim => HiddenSize / NumAttentionHeads;

    /// <summary>The layer-group that runs layer <paramref name="layer"/>: transformers' int(i / (L / G)).</summary>
    public int GroupOf(int layer) => (int)(layer / ((double)NumHiddenLayers / NumHiddenGroups));

    public void Validate(string path)
    {
        ConfigLimits.Check(path, "num_hidden_layers", NumHiddenLayers, ConfigLimits.MaxLayers);
        ConfigLimits.Check(path, "num_hidden_groups", NumHiddenGroups, NumHiddenLayers);
        ConfigLimits.Check(path, "num_attention_heads", NumAttentionHeads, ConfigLimits.MaxHeads);
        ConfigLimits.Check(path, "hidden_size", HiddenSize, ConfigLimits.MaxHidden);
        ConfigLimits.Check(path, "embedding_size", EmbeddingSize, ConfigLimits.MaxHidden);
        ConfigLimits.Check(path, "intermediate_size", IntermediateSize, ConfigLimits.MaxIntermediate);
        ConfigLimits.Check(path, "vocab_size", VocabSize, ConfigLimits.MaxVocab);
        ConfigLimits.Check(path, "max_position_embeddings", MaxPositionEmbeddings, ConfigLimits.MaxPositions);
        ConfigLimits.Check(path, "type_vocab_size", TypeVocabSize, 1024);
        ConfigLimits.CheckDivisible(path, "hidden_size", HiddenSize, "num_attention_heads", NumAttentionHeads);
        ActivationNames.Parse(HiddenAct, "hidden_act", path);
        // With inner_group_num > 1 transformers returns inner_group_num attention maps per layer but one
        // hidden state per layer, so attentions and hidden states no longer pair up; no released ALBERT uses it.
        if (InnerGroupNum != 1)
            throw new CheckpointException(path, $"config.json inner_group_num = {InnerGroupNum} is not supported (only 1, as in every released ALBERT): transformers then reports {InnerGroupNum} attention maps per layer against one hidden state.");
        if (PositionEmbeddingType is not (null or "absolute"))
            throw new CheckpointException(path, $"position_embedding_type '{PositionEmbeddingType}' is not supported (only 'absolute').");
    }
}
