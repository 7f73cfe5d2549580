using System.Text.Json.Serialization;
using AttentionLens.Checkpoints;

namespace AttentionLens.Models.Opt;

/// <summary><c>config.json</c> of OPT (configuration_opt.py), HF field names and defaults.</summary>
public sealed record OptConfig
{
    [JsonPropertyName("vocab_size")] public int VocabSize { get; set; } = 50272;
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; set; } = 768;
    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; set; } = 12;
    [JsonPropertyName("ffn_dim")] public int FfnDim { get; set; } = 3072;
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; set; } = 2048;
    [JsonPropertyName("do_layer_norm_before")] public bool DoLayerNormBefore { get; set; } = true;
    [JsonPropertyName("_remove_final_layer_norm")] public bool RemoveFinalLayerNorm { get; set; }
    [JsonPropertyName("word_embed_proj_dim")] public int? WordEmbedProjDimOverride { get; set; }
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; set; } = 12;
    [JsonPropertyName("activation_function")] public string ActivationFunction { get; set; } = "relu";
    [JsonPropertyName("enable_bias")] public bool EnableBias { get; set; } = true;
    [JsonPropertyName("layer_norm_elementwise_affine")] public bool LayerNormElementwiseAffine { get; set; } = true;
    [JsonPropertyName("tie_word_embeddings")] public bool TieWordEmbeddings { get; set; } = true;

    /// <summary>The width of the token embeddings and of the heads' input (hidden_size unless set).</summary>
    public int WordEmbedProjDim => WordEmbedProjDimOverride ?? HiddenSize;

    public int HeadDim => HiddenSize / NumAttentionHeads;

    /// <summary>OPTDecoder has final_layer_norm only with pre-norm layers (and not _remove_final_layer_norm).</summary>
    public bool HasFinalLayerNorm => DoLayerNormBefore && !RemoveFinalLayerNorm;

    public void Validate(string path)
    {
        DecoderConfigChecks.Sizes(path, NumHiddenLayers, NumAttentionHeads, NumAttentionHeads, HiddenSize, HeadDim, FfnDim, VocabSize, MaxPositionEmbeddings);
        ConfigLimits.Check(path, "word_embed_proj_dim", WordEmbedProjDim, ConfigLimits.MaxHidden);
        ActivationNames.Parse(ActivationFunction, "activation_function", path);
        if (!LayerNormElementwiseAffine)
            throw new CheckpointException(path, "config.json layer_norm_elementwise_affine = false (layer norms without weights) is not supported.");
    }
}
