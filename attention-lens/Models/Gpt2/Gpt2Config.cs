using System.Text.Json.Serialization;

namespace AttentionLens.Models.Gpt2;

/// <summary><c>config.json</c> of GPT-2 (configuration_gpt2.py), HF field names and defaults.</summary>
public sealed record Gpt2Config
{
    [JsonPropertyName("vocab_size")] public int VocabSize { get; set; } = 50257;
    [JsonPropertyName("n_positions")] public int NPositions { get; set; } = 1024;
    [JsonPropertyName("n_embd")] public int NEmbd { get; set; } = 768;
    [JsonPropertyName("n_layer")] public int NLayer { get; set; } = 12;
    [JsonPropertyName("n_head")] public int NHead { get; set; } = 12;
    [JsonPropertyName("n_inner")] public int? NInner { get; set; }
    [JsonPropertyName("activation_function")] public string ActivationFunction { get; set; } = "gelu_new";
    [JsonPropertyName("layer_norm_epsilon")] public double LayerNormEpsilon { get; set; } = 1e-5;
    [JsonPropertyName("scale_attn_weights")] public bool ScaleAttnWeights { get; set; } = true;
    [JsonPropertyName("scale_attn_by_inverse_layer_idx")] public bool ScaleAttnByInverseLayerIdx { get; set; }
    [JsonPropertyName("tie_word_embeddings")] public bool TieWordEmbeddings { get; set; } = true;

    /// <summary>F: n_inner, or 4·C when null (modeling_gpt2.py GPT2Block).</summary>
    public int Inner => NInner ?? 4 * NEmbd;

    public int HeadDim => NEmbd / NHead;

    public void Validate(string path)
    {
        ConfigLimits.Check(path, "n_layer", NLayer, ConfigLimits.MaxLayers);
        ConfigLimits.Check(path, "n_head", NHead, ConfigLimits.MaxHeads);
        ConfigLimits.Check(path, "n_embd", NEmbd, ConfigLimits.MaxHidden);
        ConfigLimits.Check(path, "n_inner", Inner, ConfigLimits.MaxIntermediate);
        ConfigLimits.Check(path, "vocab_size", VocabSize, ConfigLimits.MaxVocab);
        ConfigLimits.Check(path, "n_positions", NPositions, ConfigLimits.MaxPositions);
        ConfigLimits.CheckDivisible(path, "n_embd", NEmbd, "n_head", NHead);
    }
}
