using System.Text.Json.Serialization;

namespace AttentionLens.Models.Bert;

/// <summary><c>config.json</c> of BERT and RoBERTa (configuration_bert.py / configuration_roberta.py), HF field names and defaults.</summary>
public sealed record BertConfig
{
    [JsonPropertyName("vocab_size")] public int VocabSize { get; set; } = 30522;
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; set; } = 768;
    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; set; } = 12;
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; set; } = 12;
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; set; } = 3072;
    [JsonPropertyName("hidden_act")] public string HiddenAct { get; set; } = "gelu";
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; set; } = 512;
    [JsonPropertyName("type_vocab_size")] public int TypeVocabSize { get; set; } = 2;
    [JsonPropertyName("layer_norm_eps")] public double LayerNormEps { get; set; } = 1e-12;
    [JsonPropertyName("pad_token_id")] public int? PadTokenId { get; set; } = 0;
    [JsonPropertyName("position_embedding_type")] public string? PositionEmbeddingType { get; set; } = "absolute";

    public int HeadDim => HiddenSize / NumAttentionHeads;

    /// <summary>Refuses absurd or inconsistent sizes before any weight is read.</summary>
    public void Validate(string path)
    {
        ConfigLimits.Check(path, "num_hidden_layers", NumHiddenLayers, ConfigLimits.MaxLayers);
        ConfigLimits.Check(path, "num_attention_heads", NumAttentionHeads, ConfigLimits.MaxHeads);
        ConfigLimits.Check(path, "hidden_size", HiddenSize, ConfigLimits.MaxHidden);
        ConfigLimits.Check(path, "intermediate_size", IntermediateSize, ConfigLimits.MaxIntermediate);
        ConfigLimits.Check(path, "vocab_size", VocabSize, ConfigLimits.MaxVocab);
        ConfigLimits.Check(path, "max_position_embeddings", MaxPositionEmbeddings, ConfigLimits.MaxPositions);
        ConfigLimits.Check(path, "type_vocab_size", TypeVocabSize, 1024, 0);
        ConfigLimits.CheckDivisible(path, "hidden_size", HiddenSize, "num_attention_heads", NumAttentionHeads);
        if (PositionEmbeddingType is not (null or "absolute"))
            throw new Checkpoints.CheckpointException(path, $"position_embedding_type '{PositionEmbeddingType}' is not supported (only 'absolute').");
    }
}
