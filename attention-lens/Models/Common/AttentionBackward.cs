using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// Reverse mode of <see cref="ScaledDotProductAttention"/> (eager attention, grouped-query included),
/// with respect to Q, K, V and — what attributions read — the probabilities P. Per head h over its
/// key/value head g (Vaswani et al. 2017, eq. 1, differentiated):
/// context_h = P_h V_g ⇒ dP_h = dC_h V_gᵀ, dV_g += P_hᵀ dC_h;
/// P_h = softmax(S_h) ⇒ dS_h = P_h ⊙ (dP_h − rowsum(P_h ⊙ dP_h)) (<see cref="SoftmaxBackward"/>);
/// with soft-capping S = c·tanh(S′/c) ⇒ dS′ = dS ⊙ (1 − tanh²(S′/c));
/// S′_h = s·Q_h K_gᵀ + bias ⇒ dQ_h = s·dS′ K_g, dK_g += s·dS′ᵀ Q_h (the additive mask is a constant).
/// Scaling the query first (DistilBERT) has the same derivative. dP is PyTorch's gradient of the
/// post-softmax <c>attentions</c> tensor (it is what P·V reads, dropout being the identity in eval).
/// </summary>
public static partial class AttentionBackward
{
    /// <param name="q">(T, H·D) queries as the product read them (after RoPE or q-norm).</param>
    /// <param name="k">(T, H_kv·D) keys.</param>
    /// <param name="v">(T, H_kv·D) values.</param>
    /// <param name="probs">(H, T, T) the forward's probabilities.</param>
    /// <param name="dContext">(T, H·D) ∂y/∂context.</param>
    /// <param name="dProbs">(H, T, T) receives ∂y/∂P.</param>
    /// <param name="dq">(T, H·D) receives ∂y/∂q.</param>
    /// <param name="dk">(T, H_kv·D) receives ∂y/∂k.</param>
    /// <param name="dv">(T, H_kv·D) receives ∂y/∂v.</param>
    /// <param name="scale">The forward's score scale (1 / divisor).</param>
    /// <param name="softCap">Gemma 2's attn_logit_softcapping, or null.</param>
    public static void Backward(IKernels kernels, ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> probs,
        ReadOnlySpan<float> dContext, Span<float> dProbs, Span<float> dq, Span<float> dk, Span<float> dv,
        int tokens, int heads, int kvHeads, int headDim, float scale, float? softCap = null) =>
        Batch(kernels, q, k, v, probs, dContext, dProbs, dq, dk, dv, 1, tokens, heads, kvHeads, headDim, scale, softCap);

    /// <summary>
    /// The backward of key/value head <paramref name="g"/> and the query heads that read it (one sequence): dK_g and
    /// dV_g are written here only, so groups run in parallel (<see cref="Batch"/>).
    /// </summary>
    private static void Group(IKernels kernels, ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> probs,
        ReadOnlySpan<float> dContext, Span<float> dProbs, Span<float> dq, Span<float> dk, Span<float> dv,
        int tokens, int heads, int kvHeads, int headDim, float scale, float? softCap, int g)
    {
        int t = tokens, d = headDim, group = heads / kvHeads, tt = t * t;
        for (int r = 0; r < t; r++)
        {
            dk.Slice(r * kvHeads * d + g * d, d).Clear();
            dv.Slice(r * kvHeads * d + g * d, d).Clear();
        }
        using var qhBuffer = new Scratch(t * d);
        using var khBuffer = new Scratch(t * d);
        using var vhBuffer = new Scratch(t * d);
        using var dchBuffer = new Scratch(t * d);
        using var outBuffer = new Scratch(t * d);
        using var transposedBuffer = new Scratch(tt);
        using var dsBuffer = new Scratch(tt);
        var qh = qhBuffer.Span;
        var kh = khBuffer.Span;
        var vh = vhBuffer.Span;
        var dch = dchBuffer.Span;
        var result = outBuffer.Span;
        var transposed = transposedBuffer.Span;
        var ds = dsBuffer.Span;
        Gather(k, kh, t, kvHeads, d, g);
        Gather(v, vh, t, kvHeads, d, g);
        for (int h = g * group; h < (g + 1) * group; h++)
        {
            Gather(q, qh, t, heads, d, h);
            Gather(dContext, dch, t, heads, d, h);
            var p = probs.Slice(h * tt, tt);
            var dp = dProbs.Slice(h * tt, tt);
            // dP = dC Vᵀ.
            kernels.MatMulTransposed(dch, vh, ReadOnlySpan<float>.Empty, dp, t, d, t);
            // dV_g += Pᵀ dC.
            Transpose(p, transposed, t);
            kernels.MatMul(transposed, dch, ReadOnlySpan<float>.Empty, result, t, t, d);
            ScatterAdd(result, dv, t, kvHeads, d, g);
            SoftmaxBackward.Rows(p, dp, ds, t, t);
            if (softCap is float cap)
            {
                // Recompute S′ = s·Q Kᵀ (the capped scores are not kept) for tanh′.
                kernels.MatMulTransposed(qh, kh, ReadOnlySpan<float>.Empty, transposed, t, d, t);
                for (int i = 0; i < tt; i++)
                {
                    double th = Math.Tanh(transposed[i] * scale / (double)cap);
                    ds[i] = (float)(ds[i] * (1 - th * th));
                }
            }
            // dQ_h = s·dS K.
            kernels.MatMul(ds, kh, ReadOnlySpan<float>.Empty, result, t, t, d);
            for (int r = 0; r < t; r++)
            {
                var src = result.Slice(r * d, d);
                var dst = dq.Slice(r * heads * d + h * d, d);
                for (int i = 0; i < d; i++) dst[i] = src[i] * scale;
            }
            // dK_g += s·dSᵀ Q_h.
            Transpose(ds, transposed, t);
            kernels.MatMul(transposed, qh, ReadOnlySpan<float>.Empty, result, t, t, d);
            for (int i = 0; i < t * d; i++) result[i] *= scale;
            ScatterAdd(result, dk, t, kvHeads, d, g);
        }
    }

    /// <summary>Head <paramref name="h"/>'s (T, D) columns of a (T, heads·D) matrix.</summary>
    private static void Gather(ReadOnlySpan<float> x, Span<float> head, int t, int heads, int d, int h)
    {
        for (int r = 0; r < t; r++) x.Slice(r * heads * d + h * d, d).CopyTo(head.Slice(r * d, d));
    }

    private static void ScatterAdd(ReadOnlySpan<float> head, Span<float> x, int t, int heads, int d, int h)
    {
        for (int r = 0; r < t; r++)
        {
            var src = head.Slice(r * d, d);
            var dst = x.Slice(r * heads * d + h * d, d);
            for (int i = 0; i < d; i++) dst[i] += src[i];
        }
    }

    private static void Transpose(ReadOnlySpan<float> a, Span<float> at, int t)
    {
        for (int i = 0; i < t; i++)
            for (int j = 0; j < t; j++) at[j * t + i] = a[i * t + j];
    }
}
