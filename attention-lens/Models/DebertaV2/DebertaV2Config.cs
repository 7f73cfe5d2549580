using System.Text.Json;
using System.Text.Json.Serialization;
using AttentionLens.Checkpoints;

namespace AttentionLens.Models.DebertaV2;

/// <summary><c>config.json</c> of DeBERTa-v2 and -v3 (configuration_deberta_v2.py), HF field names and defaults.</summary>
public sealed record DebertaV2Config
{
    [JsonPropertyName("vocab_size")] public int VocabSize { get; set; } = 128100;
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; set; } = 1536;
    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; set; } = 24;
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; set; } = 24;
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; set; } = 6144;
    [JsonPropertyName("hidden_act")] public string HiddenAct { get; set; } = "gelu";
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; set; } = 512;
    [JsonPropertyName("type_vocab_size")] public int TypeVocabSize { get; set; } = 0;
    [JsonPropertyName("layer_norm_eps")] public double LayerNormEps { get; set; } = 1e-7;
    [JsonPropertyName("relative_attention")] public bool RelativeAttention { get; set; }
    [JsonPropertyName("max_relative_positions")] public int MaxRelativePositionsRaw { get; set; } = -1;
    [JsonPropertyName("position_buckets")] public int PositionBuckets { get; set; } = -1;
    [JsonPropertyName("position_biased_input")] public bool PositionBiasedInput { get; set; } = true;
    /// <summary>A list (["p2c", "c2p"]) or, in old configs, a "p2c|c2p" string.</summary>
    [JsonPropertyName("pos_att_type")] public JsonElement? PosAttTypeRaw { get; set; }
    [JsonPropertyName("share_att_key")] public bool ShareAttKey { get; set; }
    [JsonPropertyName("norm_rel_ebd")] public string NormRelEbd { get; set; } = "none";
    [JsonPropertyName("embedding_size")] public int? EmbeddingSizeRaw { get; set; }
    [JsonPropertyName("pooler_hidden_size")] public int? PoolerHiddenSize { get; set; }
    [JsonPropertyName("pooler_hidden_act")] public string PoolerHiddenAct { get; set; } = "gelu";
    [JsonPropertyName("legacy")] public bool Legacy { get; set; } = true;
    [JsonPropertyName("conv_kernel_size")] public int ConvKernelSize { get; set; }
    [JsonPropertyName("attention_head_size")] public int? AttentionHeadSize { get; set; }

    public int HeadDim => HiddenSize / NumAttentionHeads;

    public int EmbeddingSize => EmbeddingSizeRaw ?? HiddenSize;

    /// <summary>max_relative_positions, or max_position_embeddings where it is below 1 (DisentangledSelfAttention).</summary>
    public int MaxRelativePositions => MaxRelativePositionsRaw < 1 ? MaxPositionEmbeddings : MaxRelativePositionsRaw;

    /// <summary>k, the half-width of the relative embedding table: position_buckets when set, else max_relative_positions.</summary>
    public int AttentionSpan => PositionBuckets > 0 ? PositionBuckets : MaxRelativePositions;

    public bool ContentToPosition => PosAttType.Contains("c2p");

    public bool PositionToContent => PosAttType.Contains("p2c");

    public bool NormalizeRelativeEmbeddings => NormRelEbd.ToLowerInvariant().Split('|').Select(s => s.Trim()).Contains("layer_norm");

    public IReadOnlyList<string> PosAttType => PosAttTypeRaw switch
    {
        { ValueKind: JsonValueKind.Array } a => a.EnumerateArray().Select(e => (e.GetString() ?? "").Trim().ToLowerInvariant()).ToArray(),
        { ValueKind: JsonValueKind.String } s => (s.GetString() ?? "").ToLowerInvariant().Split('|').Select(x => x.Trim()).Where(x => x.Length > 0).ToArray(),
        _ => [],
    };

    public void Validate(string path)
    {
        ConfigLimits.Check(path, "num_hidden_layers", NumHiddenLayers, ConfigLimits.MaxLayers);
        ConfigLimits.Check(path, "num_attention_heads", NumAttentionHeads, ConfigLimits.MaxHeads);
        ConfigLimits.Check(path, "hidden_size", HiddenSize, ConfigLimits.MaxHidden);
        ConfigLimits.Check(path, "embedding_size", EmbeddingSize, ConfigLimits.MaxHidden);
        ConfigLimits.Check(path, "intermediate_size", IntermediateSize, ConfigLimits.MaxIntermediate);
        ConfigLimits.Check(path, "vocab_size", VocabSize, ConfigLimits.MaxVocab);
        ConfigLimits.Check(path, "max_position_embeddings", MaxPositionEmbeddings, ConfigLimits.MaxPositions);
        ConfigLimits.Check(path, "type_vocab_size", TypeVocabSize, 1024, 0);
        ConfigLimits.CheckDivisible(path, "hidden_size", HiddenSize, "num_attention_heads", NumAttentionHeads);
        ActivationNames.Parse(HiddenAct, "hidden_act", path);
        Heads.HeadActivation.Parse(PoolerHiddenAct, "pooler_hidden_act", path);
        if (AttentionHeadSize is int d && d != HeadDim)
            throw new CheckpointException(path, $"config.json attention_head_size = {d} differs from hidden_size / num_attention_heads = {HeadDim}; only the standard head size is supported.");
        if (ConvKernelSize > 0)
            throw new CheckpointException(path, $"config.json conv_kernel_size = {ConvKernelSize}: DeBERTa-v2's convolution layer (deberta-v2-xlarge/xxlarge) is not supported; DeBERTa-v3 checkpoints have none.");
        foreach (var kind in PosAttType)
            if (kind is not ("c2p" or "p2c"))
                throw new CheckpointException(path, $"config.json pos_att_type entry '{kind}' is not supported; DeBERTa-v2 uses 'c2p' and 'p2c'.");
        foreach (var part in NormRelEbd.ToLowerInvariant().Split('|').Select(s => s.Trim()))
            if (part is not ("none" or "layer_norm" or ""))
                throw new CheckpointException(path, $"config.json norm_rel_ebd '{NormRelEbd}' is not supported; use 'none' or 'layer_norm'.");
        if (RelativeAttention)
        {
            ConfigLimits.Check(path, "max_relative_positions", MaxRelativePositions, ConfigLimits.MaxPositions);
            if (PositionBuckets > 0)
            {
                ConfigLimits.Check(path, "position_buckets", PositionBuckets, ConfigLimits.MaxPositions, 2);
                // The log buckets divide by log((max_relative_positions − 1) / (position_buckets / 2)), which must be positive.
                if (MaxRelativePositions - 1 <= PositionBuckets / 2)
                    throw new CheckpointException(path, $"config.json position_buckets = {PositionBuckets} needs max_relative_positions (here {MaxRelativePositions}) above position_buckets / 2 + 1 for its log buckets.");
            }
            if (PosAttType.Count == 0)
                throw new CheckpointException(path, "config.json relative_attention is true but pos_att_type names neither 'c2p' nor 'p2c'.");
        }
        if (PoolerHiddenSize is int p && p != HiddenSize)
            throw new CheckpointException(path, $"config.json pooler_hidden_size = {p} differs from hidden_size = {HiddenSize}; the ContextPooler reads the hidden state of the first token.");
    }
}
