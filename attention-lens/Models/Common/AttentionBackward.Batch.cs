using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary><see cref="AttentionBackward"/> over b sequences, the (sequence, key/value head) units in parallel.</summary>
public static partial class AttentionBackward
{
    /// <summary>
    /// <see cref="Backward"/> for b sequences stacked row-wise (q, dContext, dq: (b·T, H·D); k, v, dk, dv: (b·T, H_kv·D);
    /// probs, dProbs: (b, H, T, T)). Each unit — one sequence's key/value head g with the query heads of its group —
    /// writes its own columns of dq, dk, dv and its own blocks of dProbs, so the b·H_kv units run on the kernels'
    /// threads, each with single-threaded kernels: a unit's GEMMs are T×T×D, too small to split further (BERT-base at
    /// 128 tokens: 128×128×64), and the per-head loop on two threads left one idle between its small GEMMs.
    /// </summary>
    public static unsafe void Batch(IKernels kernels, ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> probs,
        ReadOnlySpan<float> dContext, Span<float> dProbs, Span<float> dq, Span<float> dk, Span<float> dv,
        int batch, int tokens, int heads, int kvHeads, int headDim, float scale, float? softCap = null)
    {
        int t = tokens, qn = t * heads * headDim, kn = t * kvHeads * headDim, block = heads * t * t, units = batch * kvHeads;
        int threads = kernels is CpuKernels cpu ? cpu.Threads : 1;
        if (threads == 1 || units == 1)
        {
            for (int u = 0; u < units; u++)
            {
                int s = u / kvHeads;
                Group(kernels, q.Slice(s * qn, qn), k.Slice(s * kn, kn), v.Slice(s * kn, kn), probs.Slice(s * block, block), dContext.Slice(s * qn, qn),
                    dProbs.Slice(s * block, block), dq.Slice(s * qn, qn), dk.Slice(s * kn, kn), dv.Slice(s * kn, kn), t, heads, kvHeads, headDim, scale, softCap, u % kvHeads);
            }
            return;
        }
        var single = kernels.WithThreads(1);
        fixed (float* pq = q, pk = k, pv = v, pp = probs, pc = dContext, pdp = dProbs, pdq = dq, pdk = dk, pdv = dv)
        {
            float* q0 = pq, k0 = pk, v0 = pv, p0 = pp, c0 = pc, dp0 = pdp, dq0 = pdq, dk0 = pdk, dv0 = pdv;
            Parallel.For(0, units, new ParallelOptions { MaxDegreeOfParallelism = threads }, u =>
            {
                int s = u / kvHeads;
                Group(single, new ReadOnlySpan<float>(q0 + (long)s * qn, qn), new ReadOnlySpan<float>(k0 + (long)s * kn, kn), new ReadOnlySpan<float>(v0 + (long)s * kn, kn),
                    new ReadOnlySpan<float>(p0 + (long)s * block, block), new ReadOnlySpan<float>(c0 + (long)s * qn, qn), new Span<float>(dp0 + (long)s * block, block),
                    new Span<float>(dq0 + (long)s * qn, qn), new Span<float>(dk0 + (long)s * kn, kn), new Span<float>(dv0 + (long)s * kn, kn),
                    t, heads, kvHeads, headDim, scale, softCap, u % kvHeads);
            });
        }
    }
}
