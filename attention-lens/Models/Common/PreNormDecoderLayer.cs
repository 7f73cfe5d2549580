using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// Llama's pre-norm decoder layer (modeling_llama.py LlamaDecoderLayer), which Gemma and Phi-3 copy with
/// their own norms and projections: h = x + attn(norm₁(x)), y = h + mlp(norm₂(h)). A family's layer
/// class loads its parts (its HF names) and hands them here.
/// </summary>
public abstract partial class PreNormDecoderLayer : IRotaryDecoderLayer
{
    private readonly INorm _inputNorm;
    private readonly RotaryAttention _attention;
    private readonly INorm _postNorm;
    private readonly GatedFeedForward _mlp;
    private readonly int _hidden;

    protected PreNormDecoderLayer(INorm inputNorm, RotaryAttention attention, INorm postNorm, GatedFeedForward mlp, int hidden)
    {
        _inputNorm = inputNorm;
        _attention = attention;
        _postNorm = postNorm;
        _mlp = mlp;
        _hidden = hidden;
    }

    public void Forward(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> bias, RopeTable rope,
        Span<float> probs, Span<float> valueOutputs, int tokens, ResidualStream? stream = null, int layer = 0, int zeroValueToken = -1)
    {
        int n = tokens * _hidden;
        using var normedBuffer = new Scratch(n);
        using var attendedBuffer = new Scratch(n);
        Span<float> normed = normedBuffer.Span, attended = attendedBuffer.Span;
        _inputNorm.Forward(kernels, x, normed, tokens);
        _attention.Forward(kernels, normed, attended, bias, rope, probs, valueOutputs, tokens, zeroValueToken);
        kernels.Add(attended, x);
        if (stream is not null) attended.CopyTo(stream.Mid(layer));
        _postNorm.Forward(kernels, attended, normed, tokens);
        _mlp.Forward(kernels, normed, y, tokens);
        kernels.Add(y[..n], attended);
    }

    /// <summary>dh = dy + norm₂ᵀ(mlpᵀ dy), dx = dh + norm₁ᵀ(attentionᵀ dh), from the recomputed h.</summary>
    public void Backward(IKernels kernels, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, RopeTable rope, ReadOnlySpan<float> dy, Span<float> dx,
        Span<float> dProbs, int tokens)
    {
        int n = tokens * _hidden;
        using var n1Buffer = new Scratch(n);
        using var hBuffer = new Scratch(n);
        using var n2Buffer = new Scratch(n);
        using var dhBuffer = new Scratch(n);
        Span<float> n1 = n1Buffer.Span, h = hBuffer.Span, n2 = n2Buffer.Span, dh = dhBuffer.Span;
        _inputNorm.Forward(kernels, x, n1, tokens);
        using (var probs = new Scratch(_attention.Heads * tokens * tokens))
            _attention.Forward(kernels, n1, h, bias, rope, probs.Span, default, tokens);
        kernels.Add(h, x);
        _postNorm.Forward(kernels, h, n2, tokens);
        using var dn2Buffer = new Scratch(n);
        _mlp.Backward(kernels, n2, dy, dn2Buffer.Span, tokens);
        _postNorm.Backward(h, dn2Buffer.Span, dh, tokens);
        kernels.Add(dh, dy[..n]);
        _attention.Backward(kernels, n1, dh, n2, bias, rope, dProbs, tokens);
        _inputNorm.Backward(x, n2, dx, tokens);
        kernels.Add(dx[..n], dh);
    }
}
