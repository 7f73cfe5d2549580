using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// The reverse mode of the encoders' self-attention with separate query, key and value projections and no
/// rotary or relative terms (BERT, ALBERT, DistilBERT): q = W_Q x, k = W_K x, v = W_V x,
/// c = softmax(s·q kᵀ + bias) v (Vaswani et al. 2017, eq. 1). <see cref="Recompute"/> redoes the forward from x
/// (per-layer checkpointing); <see cref="Backward"/> takes ∂y/∂c through <see cref="AttentionBackward"/> to
/// ∂y/∂P and adds W_Qᵀdq + W_Kᵀdk + W_Vᵀdv to dx, which already holds the residual branch.
/// </summary>
public static class QkvSelfAttentionBackward
{
    /// <summary>The forward's q, k, v (T, C each), probabilities (H, T, T) and context (T, C), recomputed from x.</summary>
    /// <param name="scaleQuery">DistilBERT scales q before the product (same numbers up to rounding, kept as the forward did it).</param>
    public static void Recompute(IKernels kernels, Linear query, Linear key, Linear value, ReadOnlySpan<float> x, ReadOnlySpan<float> bias,
        Span<float> q, Span<float> k, Span<float> v, Span<float> probs, Span<float> context, int tokens, int heads, bool scaleQuery = false)
    {
        query.Forward(kernels, x, q, tokens);
        key.Forward(kernels, x, k, tokens);
        value.Forward(kernels, x, v, tokens);
        int d = query.OutFeatures / heads;
        kernels.Attention(q, k, v, bias, probs, context, tokens, heads, heads, d, 1f / MathF.Sqrt(d), scaleQuery: scaleQuery);
    }

    /// <summary>From ∂y/∂context to ∂y/∂P (H, T, T) and dx += W_Qᵀdq + W_Kᵀdk + W_Vᵀdv. Scaling the query
    /// first has the same derivative as scaling the scores, so one backward serves both forwards.</summary>
    public static void Backward(IKernels kernels, Linear query, Linear key, Linear value, ReadOnlySpan<float> q, ReadOnlySpan<float> k,
        ReadOnlySpan<float> v, ReadOnlySpan<float> probs, ReadOnlySpan<float> dContext, Span<float> dProbs, Span<float> dx, int tokens, int heads)
    {
        int hidden = query.OutFeatures, n = tokens * hidden, d = hidden / heads;
        using var dqBuffer = new Scratch(n);
        using var dkBuffer = new Scratch(n);
        using var dvBuffer = new Scratch(n);
        AttentionBackward.Backward(kernels, q, k, v, probs, dContext, dProbs, dqBuffer.Span, dkBuffer.Span, dvBuffer.Span, tokens, heads, heads, d, 1f / MathF.Sqrt(d));
        AddProjections(kernels, query, key, value, dqBuffer.Span, dkBuffer.Span, dvBuffer.Span, dx, tokens);
    }

    /// <summary>dx = W_Qᵀdq + W_Kᵀdk + W_Vᵀdv over <paramref name="rows"/> rows, summed in that order (the projections'
    /// backward of any attention with separate q, k, v projections of one input).</summary>
    public static void Projections(IKernels kernels, Linear query, Linear key, Linear value, ReadOnlySpan<float> dq, ReadOnlySpan<float> dk,
        ReadOnlySpan<float> dv, Span<float> dx, int rows)
    {
        int n = rows * query.InFeatures;
        using var partBuffer = new Scratch(n);
        var part = partBuffer.Span;
        query.Backward(kernels, dq, dx, rows);
        key.Backward(kernels, dk, part, rows);
        kernels.Add(dx[..n], part);
        value.Backward(kernels, dv, part, rows);
        kernels.Add(dx[..n], part);
    }

    /// <summary>dx += W_Qᵀdq, then += W_Kᵀdk, then += W_Vᵀdv (dx already holds the residual branch).</summary>
    public static void AddProjections(IKernels kernels, Linear query, Linear key, Linear value, ReadOnlySpan<float> dq, ReadOnlySpan<float> dk,
        ReadOnlySpan<float> dv, Span<float> dx, int rows)
    {
        int n = rows * query.InFeatures;
        using var partBuffer = new Scratch(n);
        var part = partBuffer.Span;
        query.Backward(kernels, dq, part, rows);
        kernels.Add(dx[..n], part);
        key.Backward(kernels, dk, part, rows);
        kernels.Add(dx[..n], part);
        value.Backward(kernels, dv, part, rows);
        kernels.Add(dx[..n], part);
    }
}
