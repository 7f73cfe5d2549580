using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.DistilBert;

/// <summary>
/// modeling_distilbert.py TransformerBlock (post-norm): a = sa_layer_norm(x + out_lin(MHSA(x))),
/// y = output_layer_norm(a + lin2(act(lin1(a)))). MultiHeadSelfAttention scales q by 1/√D before
/// q·kᵀ and fills masked scores with the float32 minimum. Layer norms use eps 1e-12 (hard-coded).
/// </summary>
public sealed partial class DistilBertTransformerBlock
{
    private const double Eps = 1e-12;
    private readonly Linear _q;
    private readonly Linear _k;
    private readonly Linear _v;
    private readonly Linear _out;
    private readonly LayerNorm _saNorm;
    private readonly Linear _lin1;
    private readonly Linear _lin2;
    private readonly LayerNorm _outputNorm;
    private readonly Activation _activation;
    private readonly int _dim;
    private readonly int _heads;
    private readonly int _hiddenDim;

    private DistilBertTransformerBlock(Linear q, Linear k, Linear v, Linear @out, LayerNorm saNorm, Linear lin1, Linear lin2, LayerNorm outputNorm, Activation activation, int dim, int heads, int hiddenDim)
    {
        _q = q;
        _k = k;
        _v = v;
        _out = @out;
        _saNorm = saNorm;
        _lin1 = lin1;
        _lin2 = lin2;
        _outputNorm = outputNorm;
        _activation = activation;
        _dim = dim;
        _heads = heads;
        _hiddenDim = hiddenDim;
    }

    public static DistilBertTransformerBlock Load(WeightScope w, DistilBertConfig c, string configPath)
    {
        var a = w.Scope("attention");
        return new DistilBertTransformerBlock(
            Linear.Load(a.Scope("q_lin"), c.Dim, c.Dim),
            Linear.Load(a.Scope("k_lin"), c.Dim, c.Dim),
            Linear.Load(a.Scope("v_lin"), c.Dim, c.Dim),
            Linear.Load(a.Scope("out_lin"), c.Dim, c.Dim, heads: c.NHeads),
            LayerNorm.Load(w.Scope("sa_layer_norm"), c.Dim, Eps),
            Linear.Load(w.Scope("ffn").Scope("lin1"), c.Dim, c.HiddenDim),
            Linear.Load(w.Scope("ffn").Scope("lin2"), c.HiddenDim, c.Dim),
            LayerNorm.Load(w.Scope("output_layer_norm"), c.Dim, Eps),
            ActivationNames.Parse(c.Activation, "activation", configPath),
            c.Dim, c.NHeads, c.HiddenDim);
    }

    /// <param name="terms">Receives this layer's post-norm terms, or null.</param>
    public void Forward(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> bias, Span<float> probs, Span<float> valueOutputs, int tokens,
        PostNormTerms? terms = null, int layer = 0, int zeroValueToken = -1)
    {
        int n = tokens * _dim, d = _dim / _heads;
        using var qBuffer = new Scratch(n);
        var q = qBuffer.Span;
        using var kBuffer = new Scratch(n);
        var k = kBuffer.Span;
        using var vBuffer = new Scratch(n);
        var v = vBuffer.Span;
        _q.Forward(kernels, x, q, tokens);
        _k.Forward(kernels, x, k, tokens);
        _v.Forward(kernels, x, v, tokens);
        if (zeroValueToken >= 0) v.Slice(zeroValueToken * _dim, _dim).Clear();
        using var contextBuffer = new Scratch(n);
        var context = contextBuffer.Span;
        ScaledDotProductAttention.Forward(kernels, q, k, v, bias, probs, context, tokens, _heads, _heads, d, MathF.Sqrt(d),
            scaleQuery: true, projection: _out, valueOutputs: valueOutputs, hidden: _dim);
        using var sumBuffer = new Scratch(n);
        var sum = sumBuffer.Span;
        _out.Forward(kernels, context, sum, tokens);
        kernels.Add(sum, x);
        using var attendedBuffer = new Scratch(n);
        var attended = attendedBuffer.Span;
        _saNorm.Forward(kernels, sum, attended, tokens);
        if (terms is not null)
        {
            sum.CopyTo(terms.LayerPreNorm1(layer));
            attended.CopyTo(terms.LayerPostNorm1(layer));
            terms.SetNorms(layer, _saNorm, _outputNorm);
        }

        using var innerBuffer = new Scratch(tokens * _hiddenDim);

        var inner = innerBuffer.Span;
        _lin1.Forward(kernels, attended, inner, tokens);
        kernels.Activate(inner, _activation);
        _lin2.Forward(kernels, inner, sum, tokens);
        kernels.Add(sum, attended);
        if (terms is not null) sum.CopyTo(terms.LayerPreNorm2(layer));
        _outputNorm.Forward(kernels, sum, y, tokens);
    }
}
