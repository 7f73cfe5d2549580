using System.Text.Json.Serialization;
using AttentionLens.Checkpoints;
using AttentionLens.Models.Llama;

namespace AttentionLens.Models.GptNeoX;

/// <summary><c>config.json</c> of GPT-NeoX / Pythia (configuration_gpt_neox.py), HF field names and defaults.</summary>
public sealed record GptNeoXConfig
{
    [JsonPropertyName("vocab_size")] public int VocabSize { get; set; } = 50432;
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; set; } = 6144;
    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; set; } = 44;
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; set; } = 64;
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; set; } = 24576;
    [JsonPropertyName("hidden_act")] public string HiddenAct { get; set; } = "gelu";
    [JsonPropertyName("rotary_pct")] public double RotaryPct { get; set; } = 0.25;
    [JsonPropertyName("rotary_emb_base")] public double RotaryEmbBase { get; set; } = 10000;
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; set; } = 2048;
    [JsonPropertyName("layer_norm_eps")] public double LayerNormEps { get; set; } = 1e-5;
    [JsonPropertyName("tie_word_embeddings")] public bool TieWordEmbeddings { get; set; }
    [JsonPropertyName("use_parallel_residual")] public bool UseParallelResidual { get; set; } = true;
    [JsonPropertyName("rope_scaling")] public RopeScaling? RopeScaling { get; set; }
    [JsonPropertyName("attention_bias")] public bool AttentionBias { get; set; } = true;

    public int HeadDim => HiddenSize / NumAttentionHeads;

    /// <summary>Validates and returns rotary_ndims = int(head_size · rotary_pct).</summary>
    public int Validate(string path)
    {
        DecoderConfigChecks.Sizes(path, NumHiddenLayers, NumAttentionHeads, NumAttentionHeads, HiddenSize, HeadDim, IntermediateSize, VocabSize, MaxPositionEmbeddings);
        if (LayerNormEps <= 0 || RotaryEmbBase <= 0)
            throw new CheckpointException(path, "config.json layer_norm_eps and rotary_emb_base must be positive.");
        ActivationNames.Parse(HiddenAct, "hidden_act", path);
        int rotaryDim = DecoderConfigChecks.RotaryDimension(path, "rotary_pct", RotaryPct, HeadDim);
        RopeScaling?.InverseFrequencies(rotaryDim, RotaryEmbBase, path);
        return rotaryDim;
    }
}
