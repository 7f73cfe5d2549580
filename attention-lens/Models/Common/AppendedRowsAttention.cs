using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// Eager attention of R new query rows (positions start…start+R−1) over the T = start + R keys and
/// values of a <see cref="KeyValueCache"/>, the new rows' keys and values already written: per head
/// h, probs = softmax(scale · q_h K_gᵀ + bias) and context = probs · V_g, with g = h / (H / H_kv)
/// (repeat_kv) — the rows of the square attention a full forward computes, at R·T cost instead of
/// T². Generation appends one token at a time (R = 1), so each step costs T·H·D here instead of
/// T²·H·D. Each key group is gathered once into contiguous (T, D) blocks so the products run on the
/// <see cref="IKernels"/> GEMM and softmax like the square kernel's. Re-running rows start… of a
/// changed input (occlusion, <see cref="ICausalPrefixReuse.LogitsFrom"/>) is the same computation
/// with R = T − start and the changed input's whole mask; Gemma 2 soft-caps the scaled scores before
/// the mask, as <see cref="SoftCappedAttention"/> does.
/// </summary>
internal static class AppendedRowsAttention
{
    /// <param name="q">(R, H·D) queries, rotated by their positions where the model rotates.</param>
    /// <param name="keys">(≥ T, H_kv·D) the cache's keys, rows 0…T−1 filled.</param>
    /// <param name="values">(≥ T, H_kv·D) the cache's values.</param>
    /// <param name="context">(R, H·D) receives the attention output of the new rows.</param>
    /// <param name="keyMask">The input's attention mask (0 = masked key), or null: entries past its length are attended
    /// (an append gives the cached input's mask, start entries; a re-run the changed input's, T).</param>
    /// <param name="window">Sliding window: query i sees keys j &gt; i − window (as <see cref="SlidingWindowMask"/>), or null.</param>
    /// <param name="softCap">attn_logit_softcapping: cap · tanh(score · scale / cap) before the mask (Gemma 2), or null.</param>
    public static void Forward(IKernels kernels, ReadOnlySpan<float> q, ReadOnlySpan<float> keys, ReadOnlySpan<float> values, Span<float> context,
        int start, int rows, int heads, int kvHeads, int headDim, float scale, int[]? keyMask, int? window, float? softCap = null)
    {
        int t = start + rows, d = headDim, rep = heads / kvHeads, qw = heads * d, kw = kvHeads * d, m = rep * rows;
        using var kBuffer = new Scratch(t * d);
        using var vBuffer = new Scratch(t * d);
        using var qBuffer = new Scratch(m * d);
        using var scoreBuffer = new Scratch(m * t);
        using var outBuffer = new Scratch(m * d);
        var kg = kBuffer.Span;
        var vg = vBuffer.Span;
        var qg = qBuffer.Span;
        var scores = scoreBuffer.Span;
        var outg = outBuffer.Span;
        for (int g = 0; g < kvHeads; g++)
        {
            for (int j = 0; j < t; j++)
            {
                keys.Slice(j * kw + g * d, d).CopyTo(kg.Slice(j * d, d));
                values.Slice(j * kw + g * d, d).CopyTo(vg.Slice(j * d, d));
            }
            // Row (i, r) of the group's block: head g·rep + i, new row r.
            for (int i = 0; i < rep; i++)
                for (int r = 0; r < rows; r++)
                    q.Slice(r * qw + (g * rep + i) * d, d).CopyTo(qg.Slice((i * rows + r) * d, d));
            kernels.MatMulTransposed(qg, kg, ReadOnlySpan<float>.Empty, scores, m, d, t);
            for (int i = 0; i < rep; i++)
                for (int r = 0; r < rows; r++)
                {
                    int position = start + r;
                    var row = scores.Slice((i * rows + r) * t, t);
                    for (int j = 0; j < t; j++) row[j] *= scale;
                    if (softCap is float cap) SoftCap.Apply(row, cap);
                    for (int j = 0; j < t; j++)
                    {
                        // transformers adds float32's minimum to a masked score, which then rounds to it.
                        bool masked = j > position || (window is int w && j <= position - w) || (keyMask is not null && j < keyMask.Length && keyMask[j] == 0);
                        if (masked) row[j] = float.MinValue;
                    }
                }
            kernels.Softmax(scores, m, t);
            kernels.MatMul(scores, vg, ReadOnlySpan<float>.Empty, outg, m, t, d);
            for (int i = 0; i < rep; i++)
                for (int r = 0; r < rows; r++)
                    outg.Slice((i * rows + r) * d, d).CopyTo(context.Slice(r * qw + (g * rep + i) * d, d));
        }
    }
}
