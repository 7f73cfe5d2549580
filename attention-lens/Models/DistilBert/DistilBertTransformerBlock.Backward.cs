using AttentionLens.Tensors;

namespace AttentionLens.Models.DistilBert;

/// <summary>The reverse mode of <see cref="DistilBertTransformerBlock"/> (post-norm, like BERT's layer).</summary>
public sealed partial class DistilBertTransformerBlock
{
    /// <summary>
    /// s₁ = x + out(attn(x)), a = LN₁(s₁), s₂ = a + lin2(act(lin1(a))), y = LN₂(s₂). Backward:
    /// ds₂ = LN₂ᵀ dy; da = ds₂ + lin1ᵀ(act′ ⊙ lin2ᵀ ds₂); ds₁ = LN₁ᵀ da; dx = ds₁ + attentionᵀ(outᵀ ds₁).
    /// The query is scaled before the product; its derivative equals scaling the scores.
    /// </summary>
    public void Backward(IKernels kernels, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, ReadOnlySpan<float> dy, Span<float> dx, Span<float> dProbs, int tokens)
    {
        int t = tokens, n = t * _dim, d = _dim / _heads, f = t * _hiddenDim;
        float scale = 1f / MathF.Sqrt(d);
        using var qBuffer = new Scratch(n);
        using var kBuffer = new Scratch(n);
        using var vBuffer = new Scratch(n);
        var q = qBuffer.Span;
        var k = kBuffer.Span;
        var v = vBuffer.Span;
        _q.Forward(kernels, x, q, t);
        _k.Forward(kernels, x, k, t);
        _v.Forward(kernels, x, v, t);
        using var probsBuffer = new Scratch(_heads * t * t);
        using var contextBuffer = new Scratch(n);
        var context = contextBuffer.Span;
        kernels.Attention(q, k, v, bias, probsBuffer.Span, context, t, _heads, _heads, d, scale, scaleQuery: true);
        using var s1Buffer = new Scratch(n);
        var s1 = s1Buffer.Span;
        _out.Forward(kernels, context, s1, t);
        kernels.Add(s1, x);
        using var aBuffer = new Scratch(n);
        var a = aBuffer.Span;
        _saNorm.Forward(kernels, s1, a, t);
        using var innerBuffer = new Scratch(f);
        var inner = innerBuffer.Span;
        _lin1.Forward(kernels, a, inner, t);
        using var s2Buffer = new Scratch(n);
        var s2 = s2Buffer.Span;
        using (var actBuffer = new Scratch(f))
        {
            inner.CopyTo(actBuffer.Span);
            kernels.Activate(actBuffer.Span, _activation);
            _lin2.Forward(kernels, actBuffer.Span, s2, t);
        }
        kernels.Add(s2, a);

        using var ds2Buffer = new Scratch(n);
        var ds2 = ds2Buffer.Span;
        _outputNorm.Backward(s2, dy, ds2, t);
        using var dInnerBuffer = new Scratch(f);
        var dInner = dInnerBuffer.Span;
        _lin2.Backward(kernels, ds2, dInner, t);
        ActivationBackward.Apply(inner, dInner, _activation);
        var da = a;
        _lin1.Backward(kernels, dInner, da, t);
        kernels.Add(da, ds2);
        _saNorm.Backward(s1, da, dx, t);
        _out.Backward(kernels, dx, context, t);
        using var dqBuffer = new Scratch(n);
        using var dkBuffer = new Scratch(n);
        using var dvBuffer = new Scratch(n);
        AttentionBackward.Backward(kernels, q, k, v, probsBuffer.Span, context, dProbs, dqBuffer.Span, dkBuffer.Span, dvBuffer.Span, t, _heads, _heads, d, scale);
        using var partBuffer = new Scratch(n);
        var part = partBuffer.Span;
        _q.Backward(kernels, dqBuffer.Span, part, t);
        kernels.Add(dx[..n], part);
        _k.Backward(kernels, dkBuffer.Span, part, t);
        kernels.Add(dx[..n], part);
        _v.Backward(kernels, dvBuffer.Span, part, t);
        kernels.Add(dx[..n], part);
    }
}
