using AttentionLens.Tensors;

namespace AttentionLens.Models.Gemma2;

/// <summary>The reverse mode of <see cref="Gemma2DecoderLayer"/>.</summary>
public sealed partial class Gemma2DecoderLayer
{
    /// <summary>
    /// a = in(x), b = attn(a), h = post_attn(b) + x, a₂ = pre_ff(h), m = mlp(a₂), y = post_ff(m) + h. Backward:
    /// dm = post_ffᵀ dy, dh = dy + pre_ffᵀ(mlpᵀ dm), db = post_attnᵀ dh, dx = dh + inᵀ(attentionᵀ db) (soft-capped scores).
    /// </summary>
    public void Backward(IKernels kernels, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, RopeTable rope, ReadOnlySpan<float> dy, Span<float> dx,
        Span<float> dProbs, int tokens)
    {
        int n = tokens * _hidden;
        using var aBuffer = new Scratch(n);
        using var bBuffer = new Scratch(n);
        using var hBuffer = new Scratch(n);
        using var a2Buffer = new Scratch(n);
        using var mBuffer = new Scratch(n);
        using var dhBuffer = new Scratch(n);
        Span<float> a = aBuffer.Span, b = bBuffer.Span, h = hBuffer.Span, a2 = a2Buffer.Span, m = mBuffer.Span, dh = dhBuffer.Span;
        _inputNorm.Forward(kernels, x, a, tokens);
        using (var probs = new Scratch(_attention.Heads * tokens * tokens))
            _attention.Forward(kernels, a, b, bias, rope, probs.Span, default, tokens);
        _postAttentionNorm.Forward(kernels, b, h, tokens);
        kernels.Add(h, x);
        _preFeedForwardNorm.Forward(kernels, h, a2, tokens);
        _mlp.Forward(kernels, a2, m, tokens);
        // Backward, reusing m and a2 as gradient buffers once their values are read.
        using var dmBuffer = new Scratch(n);
        var dm = dmBuffer.Span;
        _postFeedForwardNorm.Backward(m, dy, dm, tokens);
        _mlp.Backward(kernels, a2, dm, m, tokens);
        _preFeedForwardNorm.Backward(h, m, dh, tokens);
        kernels.Add(dh, dy[..n]);
        _postAttentionNorm.Backward(b, dh, dm, tokens);
        _attention.Backward(kernels, a, dm, m, bias, rope, dProbs, tokens);
        _inputNorm.Backward(x, m, dx, tokens);
        kernels.Add(dx[..n], dh);
    }
}
