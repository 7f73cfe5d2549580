using System.Text.Json.Serialization;
using AttentionLens.Checkpoints;

namespace AttentionLens.Models.Phi3;

/// <summary><c>config.json</c> of Phi-3 (configuration_phi3.py), HF field names and defaults.</summary>
public sealed record Phi3Config
{
    [JsonPropertyName("vocab_size")] public int VocabSize { get; set; } = 32064;
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; set; } = 3072;
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; set; } = 8192;
    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; set; } = 32;
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; set; } = 32;
    [JsonPropertyName("num_key_value_heads")] public int? NumKeyValueHeads { get; set; }
    [JsonPropertyName("hidden_act")] public string HiddenAct { get; set; } = "silu";
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; set; } = 4096;
    [JsonPropertyName("original_max_position_embeddings")] public int OriginalMaxPositionEmbeddings { get; set; } = 4096;
    [JsonPropertyName("rms_norm_eps")] public double RmsNormEps { get; set; } = 1e-5;
    [JsonPropertyName("tie_word_embeddings")] public bool TieWordEmbeddings { get; set; }
    [JsonPropertyName("rope_theta")] public double RopeTheta { get; set; } = 10000.0;
    [JsonPropertyName("rope_scaling")] public Phi3RopeScaling? RopeScaling { get; set; }
    [JsonPropertyName("sliding_window")] public int? SlidingWindow { get; set; }

    public int KeyValueHeads => NumKeyValueHeads ?? NumAttentionHeads;

    public int HeadDim => HiddenSize / NumAttentionHeads;

    public void Validate(string path)
    {
        DecoderConfigChecks.Sizes(path, NumHiddenLayers, NumAttentionHeads, KeyValueHeads, HiddenSize, HeadDim, IntermediateSize, VocabSize, MaxPositionEmbeddings);
        ConfigLimits.Check(path, "original_max_position_embeddings", OriginalMaxPositionEmbeddings, ConfigLimits.MaxPositions);
        if (HeadDim % 2 != 0)
            throw new CheckpointException(path, $"head_dim = hidden_size / num_attention_heads = {HeadDim} is odd; rotary embeddings rotate pairs.");
        if (RmsNormEps <= 0 || RopeTheta <= 0)
            throw new CheckpointException(path, "config.json rms_norm_eps and rope_theta must be positive.");
        ActivationNames.Parse(HiddenAct, "hidden_act", path);
        DecoderConfigChecks.SlidingWindow(path, "sliding_window", SlidingWindow);
        RopeScaling?.Validate(path, HeadDim);
    }
}
