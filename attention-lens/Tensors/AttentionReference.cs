namespace AttentionLens.Tensors;

/// <summary>The per-head attention loop on any <see cref="IKernels"/> (the default of
/// <see cref="IKernels.Attention"/> and the specification of the fused CPU version).</summary>
public static class AttentionReference
{
    public static void Run(IKernels kernels, ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> bias,
        Span<float> probs, Span<float> context, int tokens, int heads, int kvHeads, int headDim, float scale, bool scaleQuery)
    {
        KernelChecks.Attention(q.Length, k.Length, v.Length, bias.Length, probs.Length, context.Length, tokens, heads, kvHeads, headDim);
        int t = tokens, d = headDim, group = heads / kvHeads;
        var qh = new float[t * d];
        var kh = new float[t * d];
        var vh = new float[t * d];
        var ch = new float[t * d];
        for (int h = 0; h < heads; h++)
        {
            int g = h / group;
            for (int i = 0; i < t; i++)
            {
                q.Slice(i * heads * d + h * d, d).CopyTo(qh.AsSpan(i * d, d));
                k.Slice(i * kvHeads * d + g * d, d).CopyTo(kh.AsSpan(i * d, d));
                v.Slice(i * kvHeads * d + g * d, d).CopyTo(vh.AsSpan(i * d, d));
            }

            if (scaleQuery)
                for (int i = 0; i < qh.Length; i++) qh[i] *= scale;
            var p = probs.Slice(h * t * t, t * t);
            kernels.MatMulTransposed(qh, kh, ReadOnlySpan<float>.Empty, p, t, d, t);
            for (int i = 0; i < p.Length; i++)
            {
                float s = scaleQuery ? p[i] : p[i] * scale;
                p[i] = bias.IsEmpty ? s : s + bias[i];
            }

            kernels.Softmax(p, t, t);
            kernels.MatMul(p, vh, ReadOnlySpan<float>.Empty, ch, t, t, d);
            for (int i = 0; i < t; i++) ch.AsSpan(i * d, d).CopyTo(context.Slice(i * heads * d + h * d, d));
        }
    }
}
