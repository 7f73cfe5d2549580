using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// Eager multi-head attention as transformers computes it: per head, P = softmax(Q Kᵀ / divisor +
/// bias), context = P V, heads concatenated. Grouped-query attention maps query head h to key/value
/// head h / (H / H_kv) (modeling_llama.py repeat_kv). The attention itself is the kernels' fused
/// <see cref="IKernels.Attention"/>; value outputs need only V and W_O, so they are a separate pass.
/// </summary>
public static class ScaledDotProductAttention
{
    /// <param name="q">(T, H·D) queries.</param>
    /// <param name="k">(T, H_kv·D) keys.</param>
    /// <param name="v">(T, H_kv·D) values.</param>
    /// <param name="bias">(T, T) additive mask from <see cref="AttentionMasks"/>.</param>
    /// <param name="probs">(H, T, T) receives the attention probabilities.</param>
    /// <param name="context">(T, H·D) receives the concatenated head outputs.</param>
    /// <param name="divisor">√D (times layer + 1 for GPT-2's scale_attn_by_inverse_layer_idx): scores are
    /// scaled by 1 / divisor (torch divides; the two differ by at most an ulp before the softmax).</param>
    /// <param name="scaleQuery">Scale q before the product (DistilBERT) instead of the scores.</param>
    /// <param name="projection">When given with <paramref name="valueOutputs"/>: W_O split by head.</param>
    /// <param name="valueOutputs">(H, T, C) receives f_h(x_j) = v_j^h W_O^h.</param>
    public static void Forward(IKernels kernels, ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v,
        ReadOnlySpan<float> bias, Span<float> probs, Span<float> context, int tokens, int heads, int kvHeads, int headDim,
        float divisor, bool scaleQuery = false, IHeadProjection? projection = null, Span<float> valueOutputs = default, int hidden = 0)
    {
        kernels.Attention(q, k, v, bias, probs, context, tokens, heads, kvHeads, headDim, 1f / divisor, scaleQuery);
        if (projection is not null && !valueOutputs.IsEmpty)
            ValueOutputs(kernels, v, tokens, heads, kvHeads, headDim, projection, valueOutputs, hidden);
    }

    /// <summary>f_h(x_j) = v_j^g W_O^h for every head h (g its key/value head): (H, T, C).</summary>
    internal static void ValueOutputs(IKernels kernels, ReadOnlySpan<float> v, int tokens, int heads, int kvHeads, int headDim,
        IHeadProjection projection, Span<float> valueOutputs, int hidden)
    {
        int t = tokens, d = headDim, group = heads / kvHeads;
        using var vhBuffer = new Scratch(t * d);
        var vh = vhBuffer.Span;
        int lastKv = -1;
        for (int h = 0; h < heads; h++)
        {
            int kvh = h / group;
            if (kvh != lastKv)
            {
                for (int r = 0; r < t; r++) v.Slice(r * kvHeads * d + kvh * d, d).CopyTo(vh.Slice(r * d, d));
                lastKv = kvh;
            }
            projection.HeadForward(kernels, vh, h, valueOutputs.Slice(h * t * hidden, t * hidden), t);
        }
    }
}
