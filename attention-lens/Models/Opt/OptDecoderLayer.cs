using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Opt;

/// <summary>
/// modeling_opt.py OPTDecoderLayer. With do_layer_norm_before (every OPT but 350m):
/// h = x + attn(ln_a(x)), y = h + fc2(act(fc1(ln_f(h)))); without (post-norm):
/// h = ln_a(x + attn(x)), y = ln_f(h + fc2(act(fc1(h)))).
/// </summary>
public sealed partial class OptDecoderLayer
{
    private readonly LayerNorm _attentionNorm;
    private readonly OptAttention _attention;
    private readonly LayerNorm _finalNorm;
    private readonly FeedForward _mlp;
    private readonly bool _preNorm;
    private readonly int _hidden;

    private OptDecoderLayer(LayerNorm attentionNorm, OptAttention attention, LayerNorm finalNorm, FeedForward mlp, bool preNorm, int hidden)
    {
        _attentionNorm = attentionNorm;
        _attention = attention;
        _finalNorm = finalNorm;
        _mlp = mlp;
        _preNorm = preNorm;
        _hidden = hidden;
    }

    public static OptDecoderLayer Load(WeightScope w, OptConfig c, string configPath) => new(
        LayerNorm.Load(w.Scope("self_attn_layer_norm"), c.HiddenSize, 1e-5),
        OptAttention.Load(w.Scope("self_attn"), c),
        LayerNorm.Load(w.Scope("final_layer_norm"), c.HiddenSize, 1e-5),
        new FeedForward(
            Linear.Load(w.Scope("fc1"), c.HiddenSize, c.FfnDim, c.EnableBias),
            ActivationNames.Parse(c.ActivationFunction, "activation_function", configPath),
            Linear.Load(w.Scope("fc2"), c.FfnDim, c.HiddenSize, c.EnableBias)),
        c.DoLayerNormBefore, c.HiddenSize);

    /// <param name="zeroValueToken">The token whose value vectors are zeroed in every head (value zeroing), or −1.</param>
    public void Forward(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> bias,
        Span<float> probs, Span<float> valueOutputs, int tokens, ResidualStream? stream = null, int layer = 0,
        int zeroValueToken = -1)
    {
        int n = tokens * _hidden;
        using var aBuffer = new Scratch(n);
        using var bBuffer = new Scratch(n);
        Span<float> a = aBuffer.Span, b = bBuffer.Span;
        if (_preNorm)
        {
            _attentionNorm.Forward(kernels, x, a, tokens);
            _attention.Forward(kernels, a, b, bias, probs, valueOutputs, tokens, zeroValueToken);
            kernels.Add(b, x);                       // b = h
            if (stream is not null) b.CopyTo(stream.Mid(layer));
            _finalNorm.Forward(kernels, b, a, tokens);
            _mlp.Forward(kernels, a, y, tokens);
            kernels.Add(y[..n], b);
        }
        else
        {
            _attention.Forward(kernels, x, b, bias, probs, valueOutputs, tokens, zeroValueToken);
            kernels.Add(b, x);
            _attentionNorm.Forward(kernels, b, a, tokens);   // a = h
            _mlp.Forward(kernels, a, b, tokens);
            kernels.Add(b, a);
            _finalNorm.Forward(kernels, b, y, tokens);
        }
    }
}
