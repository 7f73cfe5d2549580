using AttentionLens.Tensors;

namespace AttentionLens.Models.Albert;

/// <summary>The reverse mode of <see cref="AlbertLayer"/> (the shape of BERT's post-norm layer).</summary>
public sealed partial class AlbertLayer
{
    /// <summary>
    /// s₁ = x + dense(attn(x)), a = LN₁(s₁), s₂ = a + ffn_output(act(ffn(a))), y = LN₂(s₂). Backward:
    /// ds₂ = LN₂ᵀ dy; da = ds₂ + ffnᵀ(act′ ⊙ ffn_outputᵀ ds₂); ds₁ = LN₁ᵀ da; dx = ds₁ + attentionᵀ(denseᵀ ds₁).
    /// </summary>
    public void Backward(IKernels kernels, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, ReadOnlySpan<float> dy, Span<float> dx, Span<float> dProbs, int tokens)
    {
        int t = tokens, n = t * _hidden, d = _hidden / _heads, f = t * _ffnSize;
        float scale = 1f / MathF.Sqrt(d);
        using var qBuffer = new Scratch(n);
        using var kBuffer = new Scratch(n);
        using var vBuffer = new Scratch(n);
        Span<float> q = qBuffer.Span, k = kBuffer.Span, v = vBuffer.Span;
        _query.Forward(kernels, x, q, t);
        _key.Forward(kernels, x, k, t);
        _value.Forward(kernels, x, v, t);
        using var probsBuffer = new Scratch(_heads * t * t);
        using var contextBuffer = new Scratch(n);
        var context = contextBuffer.Span;
        kernels.Attention(q, k, v, bias, probsBuffer.Span, context, t, _heads, _heads, d, scale);
        using var s1Buffer = new Scratch(n);
        var s1 = s1Buffer.Span;
        _dense.Forward(kernels, context, s1, t);
        kernels.Add(s1, x);
        using var aBuffer = new Scratch(n);
        var a = aBuffer.Span;
        _attentionNorm.Forward(kernels, s1, a, t);
        using var innerBuffer = new Scratch(f);
        var inner = innerBuffer.Span;
        _ffn.Forward(kernels, a, inner, t);
        using var s2Buffer = new Scratch(n);
        var s2 = s2Buffer.Span;
        using (var actBuffer = new Scratch(f))
        {
            inner.CopyTo(actBuffer.Span);
            kernels.Activate(actBuffer.Span, _activation);
            _ffnOutput.Forward(kernels, actBuffer.Span, s2, t);
        }
        kernels.Add(s2, a);

        using var ds2Buffer = new Scratch(n);
        var ds2 = ds2Buffer.Span;
        _fullNorm.Backward(s2, dy, ds2, t);
        using var dInnerBuffer = new Scratch(f);
        var dInner = dInnerBuffer.Span;
        _ffnOutput.Backward(kernels, ds2, dInner, t);
        ActivationBackward.Apply(inner, dInner, _activation);
        var da = a;
        _ffn.Backward(kernels, dInner, da, t);
        kernels.Add(da, ds2);
        _attentionNorm.Backward(s1, da, dx, t);
        _dense.Backward(kernels, dx, context, t);
        using var dqBuffer = new Scratch(n);
        using var dkBuffer = new Scratch(n);
        using var dvBuffer = new Scratch(n);
        AttentionBackward.Backward(kernels, q, k, v, probsBuffer.Span, context, dProbs, dqBuffer.Span, dkBuffer.Span, dvBuffer.Span, t, _heads, _heads, d, scale);
        using var partBuffer = new Scratch(n);
        var part = partBuffer.Span;
        _query.Backward(kernels, dqBuffer.Span, part, t);
        kernels.Add(dx[..n], part);
        _key.Backward(kernels, dkBuffer.Span, part, t);
        kernels.Add(dx[..n], part);
        _value.Backward(kernels, dvBuffer.Span, part, t);
        kernels.Add(dx[..n], part);
    }
}
