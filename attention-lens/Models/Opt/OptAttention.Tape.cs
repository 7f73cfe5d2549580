using AttentionLens.Tensors;

namespace AttentionLens.Models.Opt;

/// <summary><see cref="OptAttention"/> over b sequences with q, k, v and P kept.</summary>
public sealed partial class OptAttention
{
    internal KeptAttention Take(TapeArena arena, int batch, int tokens) => KeptAttention.Take(arena, batch, tokens, _heads, _headDim);

    internal long KeptFloats(int tokens) => KeptAttention.Floats(tokens, _heads, _headDim);

    /// <summary><see cref="Forward"/> over b·T rows, attention per sequence (the query scaled first, as the forward).</summary>
    internal void ForwardKept(IKernels kernels, KeptAttention kept, ReadOnlySpan<float> x, Span<float> output, ReadOnlySpan<float> bias, int batch, int tokens)
    {
        int t = tokens, rows = batch * t, c = _heads * _headDim, tc = t * c, block = _heads * t * t;
        Span<float> q = kept.Q.Span, k = kept.K.Span, v = kept.V.Span, probs = kept.Probs.Span;
        _q.Forward(kernels, x, q, rows);
        _k.Forward(kernels, x, k, rows);
        _v.Forward(kernels, x, v, rows);
        using var contextBuffer = new Scratch(rows * c);
        var context = contextBuffer.Span;
        for (int s = 0; s < batch; s++)
            kernels.Attention(q.Slice(s * tc, tc), k.Slice(s * tc, tc), v.Slice(s * tc, tc), bias, probs.Slice(s * block, block), context.Slice(s * tc, tc),
                t, _heads, _heads, _headDim, 1f / MathF.Sqrt(_headDim), scaleQuery: true);
        _out.Forward(kernels, context, output, rows);
    }

    /// <summary><see cref="Backward"/> from <paramref name="kept"/> over b·T rows.</summary>
    internal void BackwardKept(IKernels kernels, KeptAttention kept, ReadOnlySpan<float> dOutput, Span<float> dx, Span<float> dProbs, int batch, int tokens)
    {
        int t = tokens, rows = batch * t, c = _heads * _headDim, n = rows * c;
        using var dContextBuffer = new Scratch(n);
        using var dqBuffer = new Scratch(n);
        using var dkBuffer = new Scratch(n);
        using var dvBuffer = new Scratch(n);
        Span<float> dContext = dContextBuffer.Span, dq = dqBuffer.Span, dk = dkBuffer.Span, dv = dvBuffer.Span;
        _out.Backward(kernels, dOutput, dContext, rows);
        AttentionBackward.Batch(kernels, kept.Q.Span, kept.K.Span, kept.V.Span, kept.Probs.Span, dContext, dProbs, dq, dk, dv, batch, t, _heads, _heads, _headDim,
            1f / MathF.Sqrt(_headDim));
        QkvSelfAttentionBackward.Projections(kernels, _q, _k, _v, dq, dk, dv, dx, rows);
    }
}
