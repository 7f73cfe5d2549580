namespace AttentionLens.Models;

/// <summary>
/// The additive (T, T) attention biases transformers 4.40 builds, in float32. Masked entries get
/// float.MinValue (torch.finfo(float32).min), so a masked score s becomes s + min, which rounds
/// to min, and where two masks stack (gpt2) min + min = −∞, exactly as torch computes.
/// </summary>
public static class AttentionMasks
{
    /// <summary>Encoders (modeling_utils.get_extended_attention_mask): bias[i, j] = (1 − mask_j) · min.</summary>
    public static float[] Padding(int[]? mask, int tokens)
    {
        var bias = new float[tokens * tokens];
        if (mask is null) return bias;
        CheckLength(mask, tokens);
        for (int i = 0; i < tokens; i++)
            for (int j = 0; j < tokens; j++)
                bias[i * tokens + j] = mask[j] == 0 ? float.MinValue : 0f;
        return bias;
    }

    /// <summary>
    /// GPT-2 (modeling_gpt2.py GPT2Attention._attn): scores above the diagonal are replaced by min
    /// (torch.where), then the padding bias (1 − mask_j) · min is added.
    /// </summary>
    public static float[] CausalThenPadding(int[]? mask, int tokens)
    {
        if (mask is not null) CheckLength(mask, tokens);
        var bias = new float[tokens * tokens];
        for (int i = 0; i < tokens; i++)
            for (int j = 0; j < tokens; j++)
            {
                float causal = j > i ? float.MinValue : 0f;
                float padding = mask is not null && mask[j] == 0 ? float.MinValue : 0f;
                bias[i * tokens + j] = causal + padding;
            }
        return bias;
    }

    /// <summary>
    /// Llama (modeling_llama.py LlamaModel._update_causal_mask): min above the diagonal, and min
    /// where the causal mask is 0 and the key is padding; a single min, never stacked.
    /// </summary>
    public static float[] CausalOrPadding(int[]? mask, int tokens)
    {
        if (mask is not null) CheckLength(mask, tokens);
        var bias = new float[tokens * tokens];
        for (int i = 0; i < tokens; i++)
            for (int j = 0; j < tokens; j++)
                bias[i * tokens + j] = j > i || (mask is not null && mask[j] == 0) ? float.MinValue : 0f;
        return bias;
    }

    private static void CheckLength(int[] mask, int tokens)
    {
        if (mask.Length != tokens)
            throw new AttentionLensException($"attention mask has {mask.Length} entries for {tokens} input ids; give one per token.");
    }
}
