using AttentionLens.Tensors;

namespace AttentionLens.Models.DebertaV2;

/// <summary>The reverse mode of <see cref="DisentangledSelfAttention"/>.</summary>
public sealed partial class DisentangledSelfAttention
{
    public int Heads => _heads;

    /// <summary>
    /// The content path is <see cref="AttentionBackward"/> with scale 1/s (the relative terms enter the scores as
    /// an additive bias, which its probabilities already include). The relative terms add, with
    /// dS = P ⊙ (dP − rowsum(P ⊙ dP)): c2p[i, r] = q_i·K^r_r ⇒ dq_i += Σ_j dS[i, j]/s · K^r_{r(i,j)};
    /// p2c[j, r] = k_j·Q^r_r ⇒ dk_j += Σ_i dS[i, j]/s · Q^r_{r(i,j)} (K^r, Q^r depend on weights only).
    /// </summary>
    public void Backward(IKernels kernels, ReadOnlySpan<float> x, ReadOnlySpan<float> mask, int[] positions, ReadOnlySpan<float> dContext,
        Span<float> dProbs, Span<float> dx, int tokens)
    {
        int t = tokens, n = t * _hidden;
        using var qBuffer = new Scratch(n);
        using var kBuffer = new Scratch(n);
        using var vBuffer = new Scratch(n);
        Span<float> q = qBuffer.Span, k = kBuffer.Span, v = vBuffer.Span;
        _query.Forward(kernels, x, q, t);
        _key.Forward(kernels, x, k, t);
        _value.Forward(kernels, x, v, t);
        using var probsBuffer = new Scratch(_heads * t * t);
        using var contextBuffer = new Scratch(n);
        Attend(kernels, q, k, v, mask, positions, probsBuffer.Span, contextBuffer.Span, t);   // P at these q, k, v
        using var dqBuffer = new Scratch(n);
        using var dkBuffer = new Scratch(n);
        using var dvBuffer = new Scratch(n);
        Span<float> dq = dqBuffer.Span, dk = dkBuffer.Span, dv = dvBuffer.Span;
        BackwardScores(kernels, q, k, v, probsBuffer.Span, dContext, positions, dProbs, dq, dk, dv, t);
        QkvSelfAttentionBackward.Projections(kernels, _query, _key, _value, dq, dk, dv, dx, t);
    }

    /// <summary>table[row, r(i, j)] += dS[i, j]·inverse, row = i (c2p) or j (p2c): the transpose of <c>AddGathered</c>.</summary>
    private void Scatter(ReadOnlySpan<float> ds, int[] positions, int t, int rows, float inverse, bool byKey, Span<float> table)
    {
        table.Clear();
        for (int i = 0; i < t; i++)
            for (int j = 0; j < t; j++)
            {
                int r = Math.Clamp(positions[i * t + j] + _span, 0, rows - 1);
                table[(byKey ? j : i) * rows + r] += ds[i * t + j] * inverse;
            }
    }

    private static void GatherColumns(ReadOnlySpan<float> source, Span<float> target, int rows, int c, int offset, int d)
    {
        for (int r = 0; r < rows; r++) source.Slice(r * c + offset, d).CopyTo(target.Slice(r * d, d));
    }

    private static void AddColumns(ReadOnlySpan<float> head, Span<float> x, int rows, int c, int offset, int d)
    {
        for (int r = 0; r < rows; r++)
        {
            var src = head.Slice(r * d, d);
            var dst = x.Slice(r * c + offset, d);
            for (int i = 0; i < d; i++) dst[i] += src[i];
        }
    }
}
