using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.GptNeoX;

/// <summary>
/// modeling_gpt_neox.py GPTNeoXLayer. With use_parallel_residual (Pythia):
/// y = mlp(ln₂(x)) + attn(ln₁(x)) + x; without: h = attn(ln₁(x)) + x, y = mlp(ln₂(h)) + h.
/// GPTNeoXMLP = dense_4h_to_h(act(dense_h_to_4h(·))).
/// </summary>
public sealed partial class GptNeoXLayer : IRotaryDecoderLayer
{
    private readonly LayerNorm _inputNorm;
    private readonly LayerNorm _postNorm;
    private readonly GptNeoXAttention _attention;
    private readonly FeedForward _mlp;
    private readonly bool _parallel;
    private readonly int _hidden;

    private GptNeoXLayer(LayerNorm inputNorm, LayerNorm postNorm, GptNeoXAttention attention, FeedForward mlp, bool parallel, int hidden)
    {
        _inputNorm = inputNorm;
        _postNorm = postNorm;
        _attention = attention;
        _mlp = mlp;
        _parallel = parallel;
        _hidden = hidden;
    }

    public static GptNeoXLayer Load(WeightScope w, GptNeoXConfig c, int rotaryDim, string configPath) => new(
        LayerNorm.Load(w.Scope("input_layernorm"), c.HiddenSize, c.LayerNormEps),
        LayerNorm.Load(w.Scope("post_attention_layernorm"), c.HiddenSize, c.LayerNormEps),
        GptNeoXAttention.Load(w.Scope("attention"), c, rotaryDim),
        new FeedForward(
            Linear.Load(w.Scope("mlp").Scope("dense_h_to_4h"), c.HiddenSize, c.IntermediateSize),
            ActivationNames.Parse(c.HiddenAct, "hidden_act", configPath),
            Linear.Load(w.Scope("mlp").Scope("dense_4h_to_h"), c.IntermediateSize, c.HiddenSize)),
        c.UseParallelResidual, c.HiddenSize);

    public void Forward(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> bias, RopeTable rope,
        Span<float> probs, Span<float> valueOutputs, int tokens, ResidualStream? stream = null, int layer = 0, int zeroValueToken = -1)
    {
        int n = tokens * _hidden;
        using var normedBuffer = new Scratch(n);
        var normed = normedBuffer.Span;
        _inputNorm.Forward(kernels, x, normed, tokens);
        using var attendedBuffer = new Scratch(n);
        var attended = attendedBuffer.Span;
        _attention.Forward(kernels, normed, attended, bias, rope, probs, valueOutputs, tokens, zeroValueToken);
        if (_parallel)
        {
            // The MLP reads x, not x + attention; Mid = x + attention is still what the FFN adds to.
            if (stream is not null) ResidualSum(attended, x, stream.Mid(layer));
            _postNorm.Forward(kernels, x, normed, tokens);
            _mlp.Forward(kernels, normed, y, tokens);
            kernels.Add(y[..n], attended);
            kernels.Add(y[..n], x);
        }
        else
        {
            kernels.Add(attended, x);
            if (stream is not null) attended.CopyTo(stream.Mid(layer));
            _postNorm.Forward(kernels, attended, normed, tokens);
            _mlp.Forward(kernels, normed, y, tokens);
            kernels.Add(y[..n], attended);
        }
    }

    /// <summary>mid = a + x (the residual state after attention of a parallel block).</summary>
    internal static void ResidualSum(ReadOnlySpan<float> a, ReadOnlySpan<float> x, Span<float> mid)
    {
        for (int k = 0; k < a.Length; k++) mid[k] = a[k] + x[k];
    }

    /// <summary>Parallel: dx = dy + ln₂ᵀ(mlpᵀ dy) + ln₁ᵀ(attentionᵀ dy). Sequential: dh = dy + ln₂ᵀ(mlpᵀ dy) at the
    /// recomputed h, dx = dh + ln₁ᵀ(attentionᵀ dh).</summary>
    public void Backward(IKernels kernels, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, RopeTable rope, ReadOnlySpan<float> dy, Span<float> dx,
        Span<float> dProbs, int tokens)
    {
        int n = tokens * _hidden;
        using var n1Buffer = new Scratch(n);
        using var normedBuffer = new Scratch(n);
        using var dhBuffer = new Scratch(n);
        using var partBuffer = new Scratch(n);
        Span<float> n1 = n1Buffer.Span, normed = normedBuffer.Span, dh = dhBuffer.Span, part = partBuffer.Span;
        _inputNorm.Forward(kernels, x, n1, tokens);
        using var hBuffer = new Scratch(n);
        var h = hBuffer.Span;
        if (_parallel)
        {
            x[..n].CopyTo(h);
        }
        else
        {
            using (var probs = new Scratch(_attention.Heads * tokens * tokens))
                _attention.Forward(kernels, n1, h, bias, rope, probs.Span, default, tokens);
            kernels.Add(h, x);
        }
        // The MLP branch reads ln₂ of x (parallel) or of h (sequential).
        _postNorm.Forward(kernels, h, normed, tokens);
        _mlp.Backward(kernels, normed, dy, part, tokens);
        _postNorm.Backward(h, part, dh, tokens);
        kernels.Add(dh, dy[..n]);
        // Parallel: dh now holds dy + the MLP branch's dx; the attention branch reads dy. Sequential: it reads dh.
        _attention.Backward(kernels, n1, _parallel ? dy : dh, part, bias, rope, dProbs, tokens);
        _inputNorm.Backward(x, part, dx, tokens);
        kernels.Add(dx[..n], dh);
    }
}
