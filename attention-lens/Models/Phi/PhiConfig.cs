using System.Text.Json.Serialization;
using AttentionLens.Checkpoints;
using AttentionLens.Models.Llama;

namespace AttentionLens.Models.Phi;

/// <summary><c>config.json</c> of Phi-1, Phi-1.5 and Phi-2 (configuration_phi.py), HF field names and defaults.</summary>
public sealed record PhiConfig
{
    [JsonPropertyName("vocab_size")] public int VocabSize { get; set; } = 51200;
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; set; } = 2048;
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; set; } = 8192;
    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; set; } = 24;
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; set; } = 32;
    [JsonPropertyName("num_key_value_heads")] public int? NumKeyValueHeads { get; set; }
    [JsonPropertyName("hidden_act")] public string HiddenAct { get; set; } = "gelu_new";
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; set; } = 2048;
    [JsonPropertyName("layer_norm_eps")] public double LayerNormEps { get; set; } = 1e-5;
    [JsonPropertyName("tie_word_embeddings")] public bool TieWordEmbeddings { get; set; }
    [JsonPropertyName("rope_theta")] public double RopeTheta { get; set; } = 10000.0;
    [JsonPropertyName("rope_scaling")] public RopeScaling? RopeScaling { get; set; }
    [JsonPropertyName("partial_rotary_factor")] public double PartialRotaryFactor { get; set; } = 0.5;
    [JsonPropertyName("qk_layernorm")] public bool QkLayernorm { get; set; }

    public int KeyValueHeads => NumKeyValueHeads ?? NumAttentionHeads;

    public int HeadDim => HiddenSize / NumAttentionHeads;

    /// <summary>Validates and returns rotary_ndims = int(head_dim · partial_rotary_factor).</summary>
    public int Validate(string path)
    {
        DecoderConfigChecks.Sizes(path, NumHiddenLayers, NumAttentionHeads, KeyValueHeads, HiddenSize, HeadDim, IntermediateSize, VocabSize, MaxPositionEmbeddings);
        if (LayerNormEps <= 0 || RopeTheta <= 0)
            throw new CheckpointException(path, "config.json layer_norm_eps and rope_theta must be positive.");
        if (QkLayernorm)
            throw new CheckpointException(path, "config.json qk_layernorm = true is not supported (no released Phi checkpoint uses it).");
        ActivationNames.Parse(HiddenAct, "hidden_act", path);
        int rotaryDim = DecoderConfigChecks.RotaryDimension(path, "partial_rotary_factor", PartialRotaryFactor, HeadDim);
        RopeScaling?.InverseFrequencies(rotaryDim, RopeTheta, path);
        return rotaryDim;
    }
}
