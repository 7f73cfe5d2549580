using System.Text.Json.Serialization;
using AttentionLens.Checkpoints;

namespace AttentionLens.Models.Gemma;

/// <summary>
/// <c>config.json</c> of Gemma (configuration_gemma.py) and Gemma 2 (configuration_gemma2.py, which
/// adds the soft-caps, the sliding window of its local layers and query_pre_attn_scalar). HF field
/// names and defaults; <see cref="Gemma2.Gemma2Config"/> sets Gemma 2's defaults where they differ.
/// </summary>
public record GemmaConfig
{
    [JsonPropertyName("vocab_size")] public int VocabSize { get; set; } = 256000;
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; set; } = 3072;
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; set; } = 24576;
    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; set; } = 28;
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; set; } = 16;
    [JsonPropertyName("num_key_value_heads")] public int? NumKeyValueHeads { get; set; }
    [JsonPropertyName("head_dim")] public int HeadDim { get; set; } = 256;
    [JsonPropertyName("hidden_act")] public string? HiddenAct { get; set; }
    [JsonPropertyName("hidden_activation")] public string? HiddenActivation { get; set; }
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; set; } = 8192;
    [JsonPropertyName("rms_norm_eps")] public double RmsNormEps { get; set; } = 1e-6;
    [JsonPropertyName("rope_theta")] public double RopeTheta { get; set; } = 10000.0;
    [JsonPropertyName("attention_bias")] public bool AttentionBias { get; set; }
    [JsonPropertyName("tie_word_embeddings")] public bool TieWordEmbeddings { get; set; } = true;
    [JsonPropertyName("query_pre_attn_scalar")] public double? QueryPreAttnScalar { get; set; }
    [JsonPropertyName("sliding_window")] public int? SlidingWindow { get; set; }
    [JsonPropertyName("attn_logit_softcapping")] public double? AttnLogitSoftcapping { get; set; }
    [JsonPropertyName("final_logit_softcapping")] public double? FinalLogitSoftcapping { get; set; }

    public int KeyValueHeads => NumKeyValueHeads ?? NumAttentionHeads;

    /// <summary>
    /// The MLP's activation: Gemma 1 uses hidden_activation and falls back to gelu_pytorch_tanh
    /// when it is null, ignoring hidden_act (modeling_gemma.py GemmaMLP); Gemma 2 reads hidden_activation.
    /// </summary>
    public string Activation => HiddenActivation ?? "gelu_pytorch_tanh";

    public void Validate(string path, bool gemma2)
    {
        DecoderConfigChecks.Sizes(path, NumHiddenLayers, NumAttentionHeads, KeyValueHeads, HiddenSize, HeadDim, IntermediateSize, VocabSize,
            MaxPositionEmbeddings, explicitHeadDim: true);
        if (HeadDim % 2 != 0)
            throw new CheckpointException(path, $"config.json head_dim = {HeadDim} is odd; rotary embeddings rotate pairs.");
        if (RmsNormEps <= 0 || RopeTheta <= 0)
            throw new CheckpointException(path, "config.json rms_norm_eps and rope_theta must be positive.");
        ActivationNames.Parse(Activation, "hidden_activation", path);
        if (!gemma2) return;
        if (QueryPreAttnScalar is not > 0)
            throw new CheckpointException(path, $"config.json query_pre_attn_scalar = {QueryPreAttnScalar} must be positive.");
        DecoderConfigChecks.SoftCap(path, "attn_logit_softcapping", AttnLogitSoftcapping);
        DecoderConfigChecks.SoftCap(path, "final_logit_softcapping", FinalLogitSoftcapping);
        DecoderConfigChecks.SlidingWindow(path, "sliding_window", SlidingWindow);
    }
}
