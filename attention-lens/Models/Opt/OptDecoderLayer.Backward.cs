using AttentionLens.Tensors;

namespace AttentionLens.Models.Opt;

/// <summary>The reverse mode of <see cref="OptDecoderLayer"/>.</summary>
public sealed partial class OptDecoderLayer
{
    /// <summary>
    /// Pre-norm: dh = dy + ln_fᵀ(mlpᵀ dy), dx = dh + ln_aᵀ(attentionᵀ dh). Post-norm (h = ln_a(x + attn(x)),
    /// y = ln_f(h + mlp(h))): ds₂ = ln_fᵀ dy, dh = ds₂ + mlpᵀ ds₂, ds₁ = ln_aᵀ dh, dx = ds₁ + attentionᵀ ds₁.
    /// </summary>
    public void Backward(IKernels kernels, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, ReadOnlySpan<float> dy, Span<float> dx, Span<float> dProbs, int tokens)
    {
        int n = tokens * _hidden;
        using var aBuffer = new Scratch(n);
        using var hBuffer = new Scratch(n);
        using var gBuffer = new Scratch(n);
        using var partBuffer = new Scratch(n);
        Span<float> a = aBuffer.Span, h = hBuffer.Span, g = gBuffer.Span, part = partBuffer.Span;
        using var probs = new Scratch(_attention.Heads * tokens * tokens);
        if (_preNorm)
        {
            _attentionNorm.Forward(kernels, x, a, tokens);
            _attention.Forward(kernels, a, h, bias, probs.Span, default, tokens);
            kernels.Add(h, x);
            using var nBuffer = new Scratch(n);
            _finalNorm.Forward(kernels, h, nBuffer.Span, tokens);
            _mlp.Backward(kernels, nBuffer.Span, dy, part, tokens);
            _finalNorm.Backward(h, part, g, tokens);
            kernels.Add(g, dy[..n]);                        // g = dh
            _attention.Backward(kernels, a, g, part, bias, dProbs, tokens);
            _attentionNorm.Backward(x, part, dx, tokens);
            kernels.Add(dx[..n], g);
        }
        else
        {
            using var s1Buffer = new Scratch(n);
            var s1 = s1Buffer.Span;
            _attention.Forward(kernels, x, s1, bias, probs.Span, default, tokens);
            kernels.Add(s1, x);
            _attentionNorm.Forward(kernels, s1, h, tokens);
            _mlp.Forward(kernels, h, a, tokens);
            kernels.Add(a, h);                              // a = s₂
            _finalNorm.Backward(a, dy, g, tokens);          // g = ds₂
            _mlp.Backward(kernels, h, g, part, tokens);
            kernels.Add(part, g);                           // part = dh
            _attentionNorm.Backward(s1, part, g, tokens);   // g = ds₁
            _attention.Backward(kernels, x, g, dx, bias, dProbs, tokens);
            kernels.Add(dx[..n], g);
        }
    }
}
