using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary><see cref="RotaryAttention"/> over b sequences with its intermediates kept (a decoder layer's tape uses it).</summary>
public sealed partial class RotaryAttention
{
    /// <summary>q and k after their norms and RoPE, v, q and k before their norms (OLMo-2's q_norm, k_norm) and P.</summary>
    internal sealed class Kept(Memory<float> q, Memory<float> k, Memory<float> v, Memory<float> q0, Memory<float> k0, Memory<float> probs)
    {
        public Memory<float> Q { get; } = q;
        public Memory<float> K { get; } = k;
        public Memory<float> V { get; } = v;
        public Memory<float> Q0 { get; } = q0;
        public Memory<float> K0 { get; } = k0;
        public Memory<float> Probs { get; } = probs;
    }

    internal Kept Take(TapeArena arena, int batch, int tokens)
    {
        int rows = batch * tokens, qWidth = _heads * _headDim, kvWidth = _kvHeads * _headDim;
        return new Kept(arena.Take(rows * qWidth), arena.Take(rows * kvWidth), arena.Take(rows * kvWidth),
            _qNorm is null ? Memory<float>.Empty : arena.Take(rows * qWidth), _kNorm is null ? Memory<float>.Empty : arena.Take(rows * kvWidth),
            arena.Take(batch * _heads * tokens * tokens));
    }

    /// <summary>Floats <see cref="Take"/> keeps per sequence.</summary>
    internal long KeptFloats(int tokens)
    {
        long qWidth = _heads * _headDim, kvWidth = _kvHeads * _headDim;
        return tokens * (qWidth + 2 * kvWidth + (_qNorm is null ? 0 : qWidth) + (_kNorm is null ? 0 : kvWidth)) + (long)_heads * tokens * tokens;
    }

    /// <summary><see cref="Forward"/> over b·T rows (projections and q/k norms row-wise, RoPE and attention per sequence), keeping <paramref name="kept"/>.</summary>
    internal void ForwardKept(IKernels kernels, Kept kept, ReadOnlySpan<float> x, Span<float> output, ReadOnlySpan<float> bias, RopeTable rope, int batch, int tokens)
    {
        int t = tokens, rows = batch * t, qWidth = _heads * _headDim, kvWidth = _kvHeads * _headDim, qs = t * qWidth, ks = t * kvWidth, block = _heads * t * t;
        Span<float> q = kept.Q.Span, k = kept.K.Span, v = kept.V.Span, probs = kept.Probs.Span;
        Projections(kernels, x, q, k, v, rows);
        if (_qNorm is not null) NormInPlace(kernels, _qNorm, q, kept.Q0.Span, rows);
        if (_kNorm is not null) NormInPlace(kernels, _kNorm, k, kept.K0.Span, rows);
        using var contextBuffer = new Scratch(rows * qWidth);
        var context = contextBuffer.Span;
        for (int s = 0; s < batch; s++)
        {
            Span<float> qh = q.Slice(s * qs, qs), kh = k.Slice(s * ks, ks), vh = v.Slice(s * ks, ks), p = probs.Slice(s * block, block), c = context.Slice(s * qs, qs);
            PartialRotary.Apply(kernels, qh, t, _heads, _headDim, _rotaryDim, rope);
            PartialRotary.Apply(kernels, kh, t, _kvHeads, _headDim, _rotaryDim, rope);
            if (_softCap is null) kernels.Attention(qh, kh, vh, bias, p, c, t, _heads, _kvHeads, _headDim, _scale);
            else SoftCappedAttention.Forward(kernels, qh, kh, vh, bias, p, c, t, _heads, _kvHeads, _headDim, _scale, _softCap);
        }
        _o.Forward(kernels, context, output, rows);
    }

    /// <summary><see cref="Backward"/> from <paramref name="kept"/> over b·T rows: dx (the normed input's gradient) and dP (b, H, T, T).</summary>
    internal void BackwardKept(IKernels kernels, Kept kept, ReadOnlySpan<float> dOutput, Span<float> dx, RopeTable rope, Span<float> dProbs, int batch, int tokens)
    {
        int t = tokens, rows = batch * t, qWidth = _heads * _headDim, kvWidth = _kvHeads * _headDim;
        using var dContextBuffer = new Scratch(rows * qWidth);
        var dContext = dContextBuffer.Span;
        _o.Backward(kernels, dOutput, dContext, rows);
        using var dqBuffer = new Scratch(rows * qWidth);
        using var dkBuffer = new Scratch(rows * kvWidth);
        using var dvBuffer = new Scratch(rows * kvWidth);
        Span<float> dq = dqBuffer.Span, dk = dkBuffer.Span, dv = dvBuffer.Span;
        AttentionBackward.Batch(kernels, kept.Q.Span, kept.K.Span, kept.V.Span, kept.Probs.Span, dContext, dProbs, dq, dk, dv, batch, t, _heads, _kvHeads, _headDim, _scale, _softCap);
        RopeBackward.ApplySequences(dq, batch, t, _heads, _headDim, _rotaryDim, rope);
        RopeBackward.ApplySequences(dk, batch, t, _kvHeads, _headDim, _rotaryDim, rope);
        if (_qNorm is not null)
        {
            dq.CopyTo(dContext); // dcontext is no longer read
            _qNorm.Backward(kept.Q0.Span, dContext[..dq.Length], dq, rows);
        }
        if (_kNorm is not null)
        {
            using var copy = new Scratch(dk.Length);
            dk.CopyTo(copy.Span);
            _kNorm.Backward(kept.K0.Span, copy.Span, dk, rows);
        }
        ProjectionsBackward(kernels, dq, dk, dv, dx, rows);
    }
}
