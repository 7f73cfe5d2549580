using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.GptNeoX;

/// <summary>
/// modeling_gpt_neox.py GPTNeoXLayer. With use_parallel_residual (Pythia):
/// y = mlp(ln₂(x)) + attn(ln₁(x)) + x; without: h = attn(ln₁(x)) + x, y = mlp(ln₂(h)) + h.
/// GPTNeoXMLP = dense_4h_to_h(act(dense_h_to_4h(·))).
/// </summary>
public sealed class GptNeoXLayer : IRotaryDecoderLayer
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
        Span<float> probs, Span<float> valueOutputs, int tokens, ResidualStream? stream = null, int layer = 0)
    {
        int n = tokens * _hidden;
        using var normedBuffer = new Scratch(n);
        var normed = normedBuffer.Span;
        _inputNorm.Forward(kernels, x, normed, tokens);
        using var attendedBuffer = new Scratch(n);
        var attended = attendedBuffer.Span;
        _attention.Forward(kernels, normed, attended, bias, rope, probs, valueOutputs, tokens);
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
}
