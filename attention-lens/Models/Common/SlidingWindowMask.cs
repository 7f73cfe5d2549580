namespace AttentionLens.Models;

/// <summary>
/// The additive (T, T) bias of causal sliding-window attention (Mistral, Gemma 2's local layers,
/// Phi-3): query i sees keys j with i − window &lt; j ≤ i that are not padding. transformers 4.48
/// (modeling_mistral.py _prepare_4d_causal_attention_mask_with_cache_position: masked where
/// j &gt; i or j ≤ i − sliding_window; Gemma2DecoderLayer: torch.tril(ones, diagonal=−sliding_window))
/// writes a single float32 minimum for every masked entry, never two stacked.
/// </summary>
public static class SlidingWindowMask
{
    /// <param name="mask">(T) 1 = attend, 0 = padding; null = all ones.</param>
    /// <param name="window">The window in tokens; null = plain causal.</param>
    public static float[] CausalOrPadding(int[]? mask, int tokens, int? window)
    {
        if (mask is not null && mask.Length != tokens)
            throw new AttentionLensException($"attention mask has {mask.Length} entries for {tokens} input ids; give one per token.");
        if (window is < 1)
            throw new AttentionLensException($"sliding window {window} must be at least 1 token.");
        var bias = new float[tokens * tokens];
        for (int i = 0; i < tokens; i++)
            for (int j = 0; j < tokens; j++)
            {
                bool masked = j > i || (window is int w && j <= i - w) || (mask is not null && mask[j] == 0);
                bias[i * tokens + j] = masked ? float.MinValue : 0f;
            }
        return bias;
    }
}
