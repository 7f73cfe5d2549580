using AttentionLens.Tensors;

namespace AttentionLens.Models.GptNeoX;

/// <summary>The reverse mode of <see cref="GptNeoXAttention"/>.</summary>
public sealed partial class GptNeoXAttention
{
    public int Heads => _heads;

    /// <summary>Recompute, then dcontext = denseᵀ dOut, <see cref="AttentionBackward"/>, partial RoPEᵀ, and
    /// dx = query_key_valueᵀ of [dq | dk | dv] laid out per head as the forward splits it.</summary>
    public void Backward(IKernels kernels, ReadOnlySpan<float> x, ReadOnlySpan<float> dOutput, Span<float> dx, ReadOnlySpan<float> bias, RopeTable rope,
        Span<float> dProbs, int tokens)
    {
        int h = _heads, d = _headDim, c = h * d, t = tokens;
        using var qBuffer = new Scratch(t * c);
        using var kBuffer = new Scratch(t * c);
        using var vBuffer = new Scratch(t * c);
        Span<float> q = qBuffer.Span, k = kBuffer.Span, v = vBuffer.Span;
        Project(kernels, x, t, rope, q, k, v);
        using var probsBuffer = new Scratch(h * t * t);
        using var contextBuffer = new Scratch(t * c);
        var context = contextBuffer.Span;
        float scale = 1f / MathF.Sqrt(d);
        kernels.Attention(q, k, v, bias, probsBuffer.Span, context, t, h, h, d, scale);

        _dense.Backward(kernels, dOutput, context, t);
        using var dqBuffer = new Scratch(t * c);
        using var dkBuffer = new Scratch(t * c);
        using var dvBuffer = new Scratch(t * c);
        Span<float> dq = dqBuffer.Span, dk = dkBuffer.Span, dv = dvBuffer.Span;
        AttentionBackward.Backward(kernels, q, k, v, probsBuffer.Span, context, dProbs, dq, dk, dv, t, h, h, d, scale);
        RopeBackward.Apply(dq, t, h, d, _rotaryDim, rope);
        RopeBackward.Apply(dk, t, h, d, _rotaryDim, rope);
        using var qkvBuffer = new Scratch(t * 3 * c);
        JoinHeads(dq, dk, dv, qkvBuffer.Span, t);
        _qkv.Backward(kernels, qkvBuffer.Span, dx, t);
    }
}
