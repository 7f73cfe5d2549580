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
        int t = tokens, qWidth = _heads * _headDim, kvWidth = _kvHeads * _headDim;
        using var qBuffer = new Scratch(t * qWidth);
        using var kBuffer = new Scratch(t * kvWidth);
        using var vBuffer = new Scratch(t * kvWidth);
        using var q0Buffer = new Scratch(_qNorm is null ? 0 : t * qWidth);
        using var k0Buffer = new Scratch(_kNorm is null ? 0 : t * kvWidth);
        Span<float> q = qBuffer.Span, k = kBuffer.Span, v = vBuffer.Span;
        Projections(kernels, x, q, k, v, t);
        if (_qNorm is not null) NormInPlace(kernels, _qNorm, q, q0Buffer.Span, t);
        if (_kNorm is not null) NormInPlace(kernels, _kNorm, k, k0Buffer.Span, t);
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
        ProjectionsBackward(kernels, dq, dk, dv, dx, t);
    }
}
