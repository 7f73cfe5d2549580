using System.Buffers;

namespace AttentionLens.Tensors;

/// <summary>
/// One <see cref="CpuKernels.Attention"/> call: each head is an independent unit of work (scores
/// GEMM on strided slices of q and k, scale + bias + softmax, P·V GEMM written straight into its
/// columns of the context), so heads run in parallel with single-threaded GEMMs and no gather copies.
/// </summary>
internal sealed unsafe class AttentionJob<TK>(
    IRowKernels rows, float* q, float* k, float* v, float* bias, float* probs, float* context,
    int tokens, int heads, int kvHeads, int headDim, float scale, bool scaleQuery) where TK : struct, IGemmKernel
{
    public void Run(int h)
    {
        int t = tokens, d = headDim, g = h / (heads / kvHeads);
        float* scores = probs + (nint)h * t * t;
        float* qh = q + (nint)h * d;
        nint lda = (nint)heads * d;
        float[]? scaled = null;
        try
        {
            if (scaleQuery)
            {
                // DistilBERT scales q before the product: (q·s)·kᵀ, not s·(q·kᵀ).
                scaled = ArrayPool<float>.Shared.Rent(t * d);
                for (int i = 0; i < t; i++)
                    for (int j = 0; j < d; j++) scaled[i * d + j] = qh[i * lda + j] * scale;
            }

            fixed (float* sq = scaled)
            {
                var scoreArgs = scaleQuery
                    ? new GemmArgs(sq, k + (nint)g * d, true, null, scores, t, d, t, d, (nint)kvHeads * d, t)
                    : new GemmArgs(qh, k + (nint)g * d, true, null, scores, t, d, t, lda, (nint)kvHeads * d, t);
                GemmDriver.Run<TK>(scoreArgs, 1);
            }
        }
        finally
        {
            if (scaled != null) ArrayPool<float>.Shared.Return(scaled);
        }

        var biasSpan = bias == null ? ReadOnlySpan<float>.Empty : new ReadOnlySpan<float>(bias, t * t);
        rows.ScaleBiasSoftmax(new Span<float>(scores, t * t), t, t, scaleQuery ? 1f : scale, biasSpan);
        var contextArgs = new GemmArgs(scores, v + (nint)g * d, false, null, context + (nint)h * d, t, t, d, t, (nint)kvHeads * d, lda);
        GemmDriver.Run<TK>(contextArgs, 1);
    }
}
