using AttentionLens.Tensors;

namespace AttentionLens.Models.GptNeoX;

/// <summary><see cref="GptNeoXAttention"/> over b sequences with q and k (after RoPE), v and P kept.</summary>
public sealed partial class GptNeoXAttention
{
    internal KeptAttention Take(TapeArena arena, int batch, int tokens) => KeptAttention.Take(arena, batch, tokens, _heads, _headDim);

    internal long KeptFloats(int tokens) => KeptAttention.Floats(tokens, _heads, _headDim);

    /// <summary><see cref="Forward"/> over b·T rows (query_key_value split per head as the forward does, RoPE and attention per sequence).</summary>
    internal void ForwardKept(IKernels kernels, KeptAttention kept, ReadOnlySpan<float> x, Span<float> output, ReadOnlySpan<float> bias, RopeTable rope, int batch, int tokens)
    {
        int h = _heads, d = _headDim, c = h * d, t = tokens, rows = batch * t, block = h * t * t;
        Span<float> q = kept.Q.Span, k = kept.K.Span, v = kept.V.Span, probs = kept.Probs.Span;
        using (var qkvBuffer = new Scratch(rows * 3 * c))
        {
            _qkv.Forward(kernels, x, qkvBuffer.Span, rows);
            SplitHeads(qkvBuffer.Span, q, k, v, rows);
        }
        using var contextBuffer = new Scratch(rows * c);
        var context = contextBuffer.Span;
        for (int s = 0; s < batch; s++)
        {
            Span<float> qs = q.Slice(s * t * c, t * c), ks = k.Slice(s * t * c, t * c);
            PartialRotary.Apply(kernels, qs, t, h, d, _rotaryDim, rope);
            PartialRotary.Apply(kernels, ks, t, h, d, _rotaryDim, rope);
            kernels.Attention(qs, ks, v.Slice(s * t * c, t * c), bias, probs.Slice(s * block, block), context.Slice(s * t * c, t * c), t, h, h, d, 1f / MathF.Sqrt(d));
        }
        _dense.Forward(kernels, context, output, rows);
    }

    /// <summary><see cref="Backward"/> from <paramref name="kept"/> over b·T rows.</summary>
    internal void BackwardKept(IKernels kernels, KeptAttention kept, ReadOnlySpan<float> dOutput, Span<float> dx, RopeTable rope, Span<float> dProbs, int batch, int tokens)
    {
        int h = _heads, d = _headDim, c = h * d, t = tokens, rows = batch * t;
        using var dContextBuffer = new Scratch(rows * c);
        var dContext = dContextBuffer.Span;
        _dense.Backward(kernels, dOutput, dContext, rows);
        using var dqBuffer = new Scratch(rows * c);
        using var dkBuffer = new Scratch(rows * c);
        using var dvBuffer = new Scratch(rows * c);
        Span<float> dq = dqBuffer.Span, dk = dkBuffer.Span, dv = dvBuffer.Span;
        AttentionBackward.Batch(kernels, kept.Q.Span, kept.K.Span, kept.V.Span, kept.Probs.Span, dContext, dProbs, dq, dk, dv, batch, t, h, h, d, 1f / MathF.Sqrt(d));
        RopeBackward.ApplySequences(dq, batch, t, h, d, _rotaryDim, rope);
        RopeBackward.ApplySequences(dk, batch, t, h, d, _rotaryDim, rope);
        using var qkvBuffer = new Scratch(rows * 3 * c);
        JoinHeads(dq, dk, dv, qkvBuffer.Span, rows);
        _qkv.Backward(kernels, qkvBuffer.Span, dx, rows);
    }
}
