using AttentionLens.Tensors;

namespace AttentionLens.Models.Llama;

/// <summary>The reverse mode of <see cref="LlamaDecoderLayer"/>: recompute from the layer's input, then differentiate.</summary>
public sealed partial class LlamaDecoderLayer
{
    /// <summary>
    /// h = x + attn(rms₁(x)), y = h + down(silu(gate(n₂)) ⊙ up(n₂)), n₂ = rms₂(h). Backward:
    /// dg = downᵀ dy; (dgate, dup) by the SwiGLU rule; dh = dy + rms₂ᵀ(gateᵀ dgate + upᵀ dup);
    /// dx = dh + rms₁ᵀ(attentionᵀ dh).
    /// </summary>
    public void Backward(IKernels kernels, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, RopeTable rope, ReadOnlySpan<float> dy, Span<float> dx,
        Span<float> dProbs, int tokens)
    {
        int t = tokens, n = t * _hidden, f = t * _inner;
        using var n1Buffer = new Scratch(n);
        var n1 = n1Buffer.Span;
        _inputNorm.Forward(kernels, x, n1, t);
        using var hBuffer = new Scratch(n);
        var h = hBuffer.Span;
        using (var probs = new Scratch(_attention.HeadCount * t * t))
            _attention.Forward(kernels, n1, h, bias, rope, probs.Span, default, t);
        kernels.Add(h, x);
        using var n2Buffer = new Scratch(n);
        var n2 = n2Buffer.Span;
        _postNorm.Forward(kernels, h, n2, t);
        using var gateBuffer = new Scratch(f);
        using var upBuffer = new Scratch(f);
        var gate = gateBuffer.Span;
        var up = upBuffer.Span;
        _gate.Forward(kernels, n2, gate, t);
        _up.Forward(kernels, n2, up, t);

        using var dgBuffer = new Scratch(f);
        var dg = dgBuffer.Span;
        _down.Backward(kernels, dy, dg, t);
        using var dGateBuffer = new Scratch(f);
        using var dUpBuffer = new Scratch(f);
        ActivationBackward.SiluMultiply(gate, up, dg, dGateBuffer.Span, dUpBuffer.Span);
        var dn2 = n2;
        _gate.Backward(kernels, dGateBuffer.Span, dn2, t);
        using var partBuffer = new Scratch(n);
        var part = partBuffer.Span;
        _up.Backward(kernels, dUpBuffer.Span, part, t);
        kernels.Add(dn2, part);
        using var dhBuffer = new Scratch(n);
        var dh = dhBuffer.Span;
        _postNorm.Backward(h, dn2, dh, t);
        kernels.Add(dh, dy[..n]);

        var dn1 = h; // h is no longer needed
        _attention.Backward(kernels, n1, dh, dn1, bias, rope, dProbs, t);
        _inputNorm.Backward(x, dn1, dx, t);
        kernels.Add(dx[..n], dh);
    }
}
