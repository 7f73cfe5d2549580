using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// Eager attention with the scores soft-capped before the mask (modeling_gemma2.py
/// eager_attention_forward): per head h with key/value head g = h / (H / H_kv),
/// P_h = softmax(cap · tanh((Q_h K_gᵀ · scale) / cap) + bias), context_h = P_h V_g. The capping sits
/// between the product and the softmax, so the fused <see cref="IKernels.Attention"/> cannot run it;
/// this composes the kernels' GEMMs and softmax per head instead.
/// </summary>
public static class SoftCappedAttention
{
    /// <param name="q">(T, H·D) queries.</param>
    /// <param name="k">(T, H_kv·D) keys.</param>
    /// <param name="v">(T, H_kv·D) values.</param>
    /// <param name="bias">(T, T) additive mask.</param>
    /// <param name="probs">(H, T, T) receives the probabilities.</param>
    /// <param name="context">(T, H·D) receives the concatenated head outputs.</param>
    /// <param name="cap">attn_logit_softcapping, or null for plain scaled attention.</param>
    public static void Forward(IKernels kernels, ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v,
        ReadOnlySpan<float> bias, Span<float> probs, Span<float> context, int tokens, int heads, int kvHeads, int headDim,
        float scale, float? cap, IHeadProjection? projection = null, Span<float> valueOutputs = default, int hidden = 0)
    {
        int t = tokens, d = headDim, group = heads / kvHeads;
        using var qhBuffer = new Scratch(t * d);
        using var khBuffer = new Scratch(t * d);
        using var vhBuffer = new Scratch(t * d);
        using var chBuffer = new Scratch(t * d);
        Span<float> qh = qhBuffer.Span, kh = khBuffer.Span, vh = vhBuffer.Span, ch = chBuffer.Span;
        for (int h = 0; h < heads; h++)
        {
            int g = h / group;
            Gather(q, qh, t, heads * d, h * d, d);
            Gather(k, kh, t, kvHeads * d, g * d, d);
            Gather(v, vh, t, kvHeads * d, g * d, d);
            var p = probs.Slice(h * t * t, t * t);
            kernels.MatMulTransposed(qh, kh, ReadOnlySpan<float>.Empty, p, t, d, t);
            for (int i = 0; i < p.Length; i++) p[i] *= scale;
            if (cap is float c) SoftCap.Apply(p, c);
            if (!bias.IsEmpty)
                for (int i = 0; i < p.Length; i++) p[i] += bias[i];
            kernels.Softmax(p, t, t);
            kernels.MatMul(p, vh, ReadOnlySpan<float>.Empty, ch, t, t, d);
            for (int r = 0; r < t; r++) ch.Slice(r * d, d).CopyTo(context.Slice(r * heads * d + h * d, d));
        }
        if (projection is not null && !valueOutputs.IsEmpty)
            ScaledDotProductAttention.ValueOutputs(kernels, v, tokens, heads, kvHeads, headDim, projection, valueOutputs, hidden);
    }

    private static void Gather(ReadOnlySpan<float> source, Span<float> head, int tokens, int stride, int offset, int d)
    {
        for (int r = 0; r < tokens; r++) source.Slice(r * stride + offset, d).CopyTo(head.Slice(r * d, d));
    }
}
