using AttentionLens.Tensors;

namespace AttentionLens.Models.Gpt2;

/// <summary>The reverse mode of <see cref="Gpt2Block"/>: recompute the block from its input, then differentiate.</summary>
public sealed partial class Gpt2Block
{
    /// <summary>
    /// dx from dy for h = x + c_proj(attn(ln_1(x))), y = h + c_proj(act(c_fc(ln_2(h)))): with the
    /// residuals, dh = dy + ln_2ᵀ(c_fcᵀ(act′ ⊙ c_projᵀ dy)), dx = dh + ln_1ᵀ(c_attnᵀ[dq | dk | dv]) where
    /// (dq, dk, dv, dP) come from <see cref="AttentionBackward"/> on dcontext = c_projᵀ dh.
    /// </summary>
    /// <param name="x">(T, C) the block's input (the forward's hidden state).</param>
    /// <param name="dy">(T, C) ∂y/∂output.</param>
    /// <param name="dx">(T, C) receives ∂y/∂x.</param>
    /// <param name="dProbs">(H, T, T) receives ∂y/∂P.</param>
    public void Backward(IKernels kernels, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, ReadOnlySpan<float> dy, Span<float> dx, Span<float> dProbs, int tokens)
    {
        int t = tokens, c = _hidden, n = t * c, d = c / _heads;
        // Recompute.
        using var n1Buffer = new Scratch(n);
        var n1 = n1Buffer.Span;
        _ln1.Forward(kernels, x, n1, t);
        using var qBuffer = new Scratch(n);
        using var kBuffer = new Scratch(n);
        using var vBuffer = new Scratch(n);
        var q = qBuffer.Span;
        var k = kBuffer.Span;
        var v = vBuffer.Span;
        Project(kernels, n1, q, k, v, t);
        using var probsBuffer = new Scratch(_heads * t * t);
        var probs = probsBuffer.Span;
        using var contextBuffer = new Scratch(n);
        var context = contextBuffer.Span;
        kernels.Attention(q, k, v, bias, probs, context, t, _heads, _heads, d, 1f / _divisor);
        using var hBuffer = new Scratch(n);
        var h = hBuffer.Span;
        _attnProj.Forward(kernels, context, h, t);
        kernels.Add(h, x[..n]);
        using var n2Buffer = new Scratch(n);
        var n2 = n2Buffer.Span;
        _ln2.Forward(kernels, h, n2, t);
        using var innerBuffer = new Scratch(t * _inner);
        var inner = innerBuffer.Span;
        _cFc.Forward(kernels, n2, inner, t);

        // MLP branch: dInner = act′(inner) ⊙ c_projᵀ dy; dh = dy + ln_2ᵀ c_fcᵀ dInner.
        using var dInnerBuffer = new Scratch(t * _inner);
        var dInner = dInnerBuffer.Span;
        _mlpProj.Backward(kernels, dy, dInner, t);
        ActivationBackward.Apply(inner, dInner, _activation);
        using var dn2Buffer = new Scratch(n);
        var dn2 = dn2Buffer.Span;
        _cFc.Backward(kernels, dInner, dn2, t);
        using var dhBuffer = new Scratch(n);
        var dh = dhBuffer.Span;
        _ln2.Backward(h, dn2, dh, t);
        kernels.Add(dh, dy[..n]);

        // Attention branch.
        _attnProj.Backward(kernels, dh, context, t);
        using var dqBuffer = new Scratch(n);
        using var dkBuffer = new Scratch(n);
        using var dvBuffer = new Scratch(n);
        AttentionBackward.Backward(kernels, q, k, v, probs, context, dProbs, dqBuffer.Span, dkBuffer.Span, dvBuffer.Span, t, _heads, _heads, d, 1f / _divisor);
        using var dqkvBuffer = new Scratch(3 * n);
        var dqkv = dqkvBuffer.Span;
        for (int r = 0; r < t; r++)
        {
            var row = dqkv.Slice(r * 3 * c, 3 * c);
            dqBuffer.Span.Slice(r * c, c).CopyTo(row);
            dkBuffer.Span.Slice(r * c, c).CopyTo(row.Slice(c));
            dvBuffer.Span.Slice(r * c, c).CopyTo(row.Slice(2 * c));
        }
        _cAttn.Backward(kernels, dqkv, n1, t);
        _ln1.Backward(x, n1, dx, t);
        kernels.Add(dx[..n], dh);
    }
}
