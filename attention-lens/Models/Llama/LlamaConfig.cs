using System.Text.Json.Serialization;
using AttentionLens.Checkpoints;

namespace AttentionLens.Models.Llama;

/// <summary>
/// <c>config.json</c> of Llama (configuration_llama.py) and of the architectures that share its
/// computation: Mistral (configuration_mistral.py) and Qwen2 (configuration_qwen2.py, which always
/// has q/k/v biases). HF field names and defaults.
/// </summary>
public sealed record LlamaConfig
{
    [JsonPropertyName("vocab_size")] public int VocabSize { get; set; } = 32000;
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; set; } = 4096;
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; set; } = 11008;
    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; set; } = 32;
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; set; } = 32;
    [JsonPropertyName("num_key_value_heads")] public int? NumKeyValueHeads { get; set; }
    [JsonPropertyName("head_dim")] public int? HeadDimOverride { get; set; }
    [JsonPropertyName("hidden_act")] public string HiddenAct { get; set; } = "silu";
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; set; } = 2048;
    [JsonPropertyName("rms_norm_eps")] public double RmsNormEps { get; set; } = 1e-6;
    [JsonPropertyName("rope_theta")] public double RopeTheta { get; set; } = 10000.0;
    [JsonPropertyName("rope_scaling")] public RopeScaling? RopeScaling { get; set; }
    [JsonPropertyName("attention_bias")] public bool AttentionBias { get; set; }
    [JsonPropertyName("mlp_bias")] public bool MlpBias { get; set; }
    [JsonPropertyName("tie_word_embeddings")] public bool TieWordEmbeddings { get; set; }
    [JsonPropertyName("sliding_window")] public int? SlidingWindow { get; set; }
    [JsonPropertyName("use_sliding_window")] public bool? UseSlidingWindow { get; set; }
    [JsonPropertyName("pretraining_tp")] public int PretrainingTp { get; set; } = 1;

    /// <summary>Qwen2 projects q, k and v with biases (modeling_qwen2.py Qwen2Attention).</summary>
    [JsonIgnore] public bool QkvBias { get; init; }

    /// <summary>The model type this config was read for (llama, mistral, qwen2).</summary>
    [JsonIgnore] public string ModelType { get; init; } = "llama";

    public int KeyValueHeads => NumKeyValueHeads ?? NumAttentionHeads;

    public int HeadDim => HeadDimOverride ?? HiddenSize / NumAttentionHeads;

    /// <summary>
    /// The window beyond which keys are masked, where the architecture applies one: Mistral always
    /// (when set), Qwen2 only with use_sliding_window.
    /// </summary>
    public int? EffectiveSlidingWindow => ModelType switch
    {
        "mistral" => SlidingWindow,
        "qwen2" when UseSlidingWindow == true => SlidingWindow,
        _ => null,
    };

    public LlamaConfig ForModelType(string modelType) => this with
    {
        ModelType = modelType,
        QkvBias = modelType == "qwen2" || AttentionBias,
    };

    public void Validate(string path)
    {
        ConfigLimits.Check(path, "num_hidden_layers", NumHiddenLayers, ConfigLimits.MaxLayers);
        ConfigLimits.Check(path, "num_attention_heads", NumAttentionHeads, ConfigLimits.MaxHeads);
        ConfigLimits.Check(path, "num_key_value_heads", KeyValueHeads, NumAttentionHeads);
        ConfigLimits.Check(path, "hidden_size", HiddenSize, ConfigLimits.MaxHidden);
        ConfigLimits.Check(path, "head_dim", HeadDim, ConfigLimits.MaxHidden);
        ConfigLimits.Check(path, "intermediate_size", IntermediateSize, ConfigLimits.MaxIntermediate);
        ConfigLimits.Check(path, "vocab_size", VocabSize, ConfigLimits.MaxVocab);
        ConfigLimits.Check(path, "max_position_embeddings", MaxPositionEmbeddings, ConfigLimits.MaxPositions);
        if (HeadDimOverride is null) ConfigLimits.CheckDivisible(path, "hidden_size", HiddenSize, "num_attention_heads", NumAttentionHeads);
        if (NumAttentionHeads % KeyValueHeads != 0)
            throw new CheckpointException(path, $"num_attention_heads = {NumAttentionHeads} is not a multiple of num_key_value_heads = {KeyValueHeads}.");
        if (HeadDim % 2 != 0)
            throw new CheckpointException(path, $"head_dim = {HeadDim} is odd; rotary embeddings rotate pairs.");
        if (PretrainingTp != 1)
            throw new CheckpointException(path, $"pretraining_tp = {PretrainingTp} is not supported (only 1).");
        // The MLP is down(act(gate(x)) · up(x)) with SiLU (modeling_llama.py LlamaMLP, ACT2FN[hidden_act]);
        // another activation would be silently computed as SiLU, so it is refused like GPT-2's.
        if (ActivationNames.Parse(HiddenAct, "hidden_act", path) != Tensors.Activation.Silu)
            throw new CheckpointException(path, $"hidden_act '{HiddenAct}' is not supported for {ModelType}; only silu (swish) is implemented for its gated MLP.");
        if (RmsNormEps <= 0 || RopeTheta <= 0)
            throw new CheckpointException(path, "rms_norm_eps and rope_theta must be positive.");
    }
}
