using AttentionLens.Checkpoints;

namespace AttentionLens.Models;

/// <summary>Checks of the decoder-family config fields that size kernels: rotary fractions and soft-caps.</summary>
public static class DecoderConfigChecks
{
    /// <summary>
    /// A rotary fraction (GPT-NeoX rotary_pct, Phi partial_rotary_factor) must lie in (0, 1] and give
    /// an even, non-zero number of rotated features (rotate-half pairs them).
    /// </summary>
    public static int RotaryDimension(string configPath, string field, double fraction, int headDim)
    {
        if (!(fraction > 0 && fraction <= 1))
            throw new CheckpointException(configPath, $"config.json {field} = {fraction} is outside (0, 1]; it is the fraction of each head's features that rotary embeddings rotate.");
        int dim = PartialRotary.Dimension(headDim, fraction);
        if (dim < 2 || dim % 2 != 0)
            throw new CheckpointException(configPath, $"config.json {field} = {fraction} gives {dim} rotary features of head_dim {headDim}; rotary embeddings need a positive even number.");
        return dim;
    }

    /// <summary>A soft-cap (Gemma 2's attn_logit_softcapping, final_logit_softcapping) must be positive when set.</summary>
    public static void SoftCap(string configPath, string field, double? cap)
    {
        if (cap is double c && !(c > 0))
            throw new CheckpointException(configPath, $"config.json {field} = {c} must be positive (or null to turn soft-capping off).");
    }

    /// <summary>A sliding window must be at least one token when set.</summary>
    public static void SlidingWindow(string configPath, string field, int? window)
    {
        if (window is < 1)
            throw new CheckpointException(configPath, $"config.json {field} = {window} must be at least 1 token (or null for full attention).");
    }

    /// <summary>The sizes every decoder has, and heads dividing hidden_size unless head_dim is explicit.</summary>
    public static void Sizes(string configPath, int layers, int heads, int kvHeads, int hidden, int headDim, int intermediate, int vocab, int positions, bool explicitHeadDim = false)
    {
        ConfigLimits.Check(configPath, "num_hidden_layers", layers, ConfigLimits.MaxLayers);
        ConfigLimits.Check(configPath, "num_attention_heads", heads, ConfigLimits.MaxHeads);
        ConfigLimits.Check(configPath, "num_key_value_heads", kvHeads, heads);
        ConfigLimits.Check(configPath, "hidden_size", hidden, ConfigLimits.MaxHidden);
        ConfigLimits.Check(configPath, "intermediate_size", intermediate, ConfigLimits.MaxIntermediate);
        ConfigLimits.Check(configPath, "vocab_size", vocab, ConfigLimits.MaxVocab);
        ConfigLimits.Check(configPath, "max_position_embeddings", positions, ConfigLimits.MaxPositions);
        if (!explicitHeadDim) ConfigLimits.CheckDivisible(configPath, "hidden_size", hidden, "num_attention_heads", heads);
        ConfigLimits.Check(configPath, "head_dim", headDim, ConfigLimits.MaxHidden);
        if (heads % kvHeads != 0)
            throw new CheckpointException(configPath, $"config.json num_attention_heads = {heads} is not a multiple of num_key_value_heads = {kvHeads}.");
    }
}
