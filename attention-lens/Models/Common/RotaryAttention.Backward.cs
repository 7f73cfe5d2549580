using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>The reverse mode of <see cref="RotaryAttention"/>.</summary>
public sealed partial class RotaryAttention
{
    public int Heads => _heads;

    /// <summary>
    /// Recomputes the projections, q/k norms, rotary embeddings, P and the context from the normed input x;
    /// then dcontext = oᵀ dOut, (dq, dk, dv, dP) by <see cref="AttentionBackward"/> (soft-capping included),
    /// RoPEᵀ on the rotated features (<see cref="RopeBackward"/>), the q/k RMSNorms' backward
    /// (<see cref="NormBackward"/>), and dx through the (fused or separate) projections.
    /// </summary>
    public void Backward(IKernels kernels, ReadOnlySpan<float> x, ReadOnlySpan<float> dOutput, Span<float> dx, ReadOnlySpan<float> bias, RopeTable rope,
        Span<float> dProbs, int tokens)
    {
        int t = tokens, qWidth = _heads * _headDim, kvWidth = _kvHeads * _headDim, width = qWidth + 2 * kvWidth;
        using var qBuffer = new Scratch(t * qWidth);
        using var kBuffer = new Scratch(t * kvWidth);
        using var vBuffer = new Scratch(t * kvWidth);
        using var q0Buffer = new Scratch(_qNorm is null ? 0 : t * qWidth);
        using var k0Buffer = new Scratch(_kNorm is null ? 0 : t * kvWidth);
        Span<float> q = qBuffer.Span, k = kBuffer.Span, v = vBuffer.Span;
        if (_qkv is not null)
        {
            using var fusedBuffer = new Scratch(t * width);
            var fused = fusedBuffer.Span;
            _qkv.Forward(kernels, x, fused, t);
            for (int r = 0; r < t; r++)
            {
                var row = fused.Slice(r * width, width);
                row[..qWidth].CopyTo(q.Slice(r * qWidth, qWidth));
                row.Slice(qWidth, kvWidth).CopyTo(k.Slice(r * kvWidth, kvWidth));
                row.Slice(qWidth + kvWidth, kvWidth).CopyTo(v.Slice(r * kvWidth, kvWidth));
            }
        }
        else
        {
            _q!.Forward(kernels, x, q, t);
            _k!.Forward(kernels, x, k, t);
            _v!.Forward(kernels, x, v, t);
        }
        if (_qNorm is not null)
        {
            q.CopyTo(q0Buffer.Span);
            _qNorm.Forward(kernels, q0Buffer.Span, q, t);
        }
        if (_kNorm is not null)
        {
            k.CopyTo(k0Buffer.Span);
            _kNorm.Forward(kernels, k0Buffer.Span, k, t);
        }
        PartialRotary.Apply(kernels, q, t, _heads, _headDim, _rotaryDim, rope);
        PartialRotary.Apply(kernels, k, t, _kvHeads, _headDim, _rotaryDim, rope);
        using var probsBuffer = new Scratch(_heads * t * t);
        using var contextBuffer = new Scratch(t * qWidth);
        var context = contextBuffer.Span;
        if (_softCap is null)
            kernels.Attention(q, k, v, bias, probsBuffer.Span, context, t, _heads, _kvHeads, _headDim, _scale);
        else
            SoftCappedAttention.Forward(kernels, q, k, v, bias, probsBuffer.Span, context, t, _heads, _kvHeads, _headDim, _scale, _softCap);

        _o.Backward(kernels, dOutput, context, t);
        using var dqBuffer = new Scratch(t * qWidth);
        using var dkBuffer = new Scratch(t * kvWidth);
        using var dvBuffer = new Scratch(t * kvWidth);
        Span<float> dq = dqBuffer.Span, dk = dkBuffer.Span, dv = dvBuffer.Span;
        AttentionBackward.Backward(kernels, q, k, v, probsBuffer.Span, context, dProbs, dq, dk, dv, t, _heads, _kvHeads, _headDim, _scale, _softCap);
        RopeBackward.Apply(dq, t, _heads, _headDim, _rotaryDim, rope);
        RopeBackward.Apply(dk, t, _kvHeads, _headDim, _rotaryDim, rope);
        if (_qNorm is not null)
        {
            dq.CopyTo(q);
            _qNorm.Backward(q0Buffer.Span, q, dq, t);
        }
        if (_kNorm is not null)
        {
            dk.CopyTo(k);
            _kNorm.Backward(k0Buffer.Span, k, dk, t);
        }
        int c = dx.Length / t;
        if (_qkv is not null)
        {
            using var fusedBuffer = new Scratch(t * width);
            var fused = fusedBuffer.Span;
            for (int r = 0; r < t; r++)
            {
                var row = fused.Slice(r * width, width);
                dq.Slice(r * qWidth, qWidth).CopyTo(row);
                dk.Slice(r * kvWidth, kvWidth).CopyTo(row.Slice(qWidth));
                dv.Slice(r * kvWidth, kvWidth).CopyTo(row.Slice(qWidth + kvWidth));
            }
            _qkv.Backward(kernels, fused, dx, t);
            return;
        }
        using var partBuffer = new Scratch(t * c);
        var part = partBuffer.Span;
        _q!.Backward(kernels, dq, dx, t);
        _k!.Backward(kernels, dk, part, t);
        kernels.Add(dx[..(t * c)], part);
        _v!.Backward(kernels, dv, part, t);
        kernels.Add(dx[..(t * c)], part);
    }
}
