using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// Eager multi-head attention as transformers computes it: per head, P = softmax(Q Kᵀ · scale +
/// bias), context = P V, heads concatenated. Grouped-query attention maps query head h to key/value
/// head h / (H / H_kv) (modeling_llama.py repeat_kv).
/// </summary>
public static class ScaledDotProductAttention
{
    /// <param name="q">(T, H·D) queries.</param>
    /// <param name="k">(T, H_kv·D) keys.</param>
    /// <param name="v">(T, H_kv·D) values.</param>
    /// <param name="bias">(T, T) additive mask from <see cref="AttentionMasks"/>.</param>
    /// <param name="probs">(H, T, T) receives the attention probabilities.</param>
    /// <param name="context">(T, H·D) receives the concatenated head outputs.</param>
    /// <param name="scaleQuery">Scale q before the product (DistilBERT) instead of the scores.</param>
    /// <param name="projection">When given with <paramref name="valueOutputs"/>: W_O split by head.</param>
    /// <param name="valueOutputs">(H, T, C) receives f_h(x_j) = v_j^h W_O^h.</param>
    public static void Forward(IKernels kernels, ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v,
        ReadOnlySpan<float> bias, Span<float> probs, Span<float> context, int tokens, int heads, int kvHeads, int headDim,
        float scale, bool scaleQuery = false, IHeadProjection? projection = null, Span<float> valueOutputs = default, int hidden = 0)
    {
        int t = tokens, d = headDim;
        var qh = new float[t * d];
        var kh = new float[t * d];
        var vh = new float[t * d];
        var ch = new float[t * d];
        int group = heads / kvHeads;
        int lastKv = -1;
        for (int h = 0; h < heads; h++)
        {
            Gather(q, qh, t, heads * d, h * d, d);
            int kvh = h / group;
            if (kvh != lastKv)
            {
                Gather(k, kh, t, kvHeads * d, kvh * d, d);
                Gather(v, vh, t, kvHeads * d, kvh * d, d);
                lastKv = kvh;
            }
            var p = probs.Slice(h * t * t, t * t);
            if (scaleQuery)
            {
                for (int i = 0; i < qh.Length; i++) qh[i] *= scale;
                kernels.MatMulTransposed(qh, kh, ReadOnlySpan<float>.Empty, p, t, d, t);
                for (int i = 0; i < p.Length; i++) p[i] += bias[i];
            }
            else
            {
                kernels.MatMulTransposed(qh, kh, ReadOnlySpan<float>.Empty, p, t, d, t);
                for (int i = 0; i < p.Length; i++) p[i] = p[i] * scale + bias[i];
            }
            kernels.Softmax(p, t, t);
            kernels.MatMul(p, vh, ReadOnlySpan<float>.Empty, ch, t, t, d);
            for (int i = 0; i < t; i++) ch.AsSpan(i * d, d).CopyTo(context.Slice(i * heads * d + h * d, d));
            if (projection is not null && !valueOutputs.IsEmpty)
                projection.HeadForward(kernels, vh, h, valueOutputs.Slice(h * t * hidden, t * hidden), t);
        }
    }

    /// <summary>Copies columns [offset, offset + width) of a (rows × stride) matrix into a (rows × width) one.</summary>
    private static void Gather(ReadOnlySpan<float> source, Span<float> destination, int rows, int stride, int offset, int width)
    {
        for (int r = 0; r < rows; r++) source.Slice(r * stride + offset, width).CopyTo(destination.Slice(r * width, width));
    }
}
