using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Albert;

/// <summary>
/// modeling_albert.py AlbertLayer (post-norm): AlbertAttention a = LayerNorm(x + dense(attn(x))),
/// then y = full_layer_layer_norm(a + ffn_output(act(ffn(a)))). One instance serves every layer of
/// its group: ALBERT shares parameters across layers (Lan et al. 2020, §3.1).
/// </summary>
public sealed partial class AlbertLayer
{
    private readonly Linear _query;
    private readonly Linear _key;
    private readonly Linear _value;
    private readonly Linear _dense;
    private readonly LayerNorm _attentionNorm;
    private readonly Linear _ffn;
    private readonly Linear _ffnOutput;
    private readonly LayerNorm _fullNorm;
    private readonly Activation _activation;
    private readonly int _hidden;
    private readonly int _heads;
    private readonly int _ffnSize;

    private AlbertLayer(Linear query, Linear key, Linear value, Linear dense, LayerNorm attentionNorm, Linear ffn, Linear ffnOutput, LayerNorm fullNorm,
        Activation activation, int hidden, int heads, int ffnSize)
    {
        _query = query;
        _key = key;
        _value = value;
        _dense = dense;
        _attentionNorm = attentionNorm;
        _ffn = ffn;
        _ffnOutput = ffnOutput;
        _fullNorm = fullNorm;
        _activation = activation;
        _hidden = hidden;
        _heads = heads;
        _ffnSize = ffnSize;
    }

    public static AlbertLayer Load(WeightScope w, AlbertConfig c, string configPath)
    {
        var a = w.Scope("attention");
        int h = c.HiddenSize;
        return new AlbertLayer(
            Linear.Load(a.Scope("query"), h, h), Linear.Load(a.Scope("key"), h, h), Linear.Load(a.Scope("value"), h, h),
            Linear.Load(a.Scope("dense"), h, h, heads: c.NumAttentionHeads), LayerNorm.Load(a.Scope("LayerNorm"), h, c.LayerNormEps),
            Linear.Load(w.Scope("ffn"), h, c.IntermediateSize), Linear.Load(w.Scope("ffn_output"), c.IntermediateSize, h),
            LayerNorm.Load(w.Scope("full_layer_layer_norm"), h, c.LayerNormEps),
            ActivationNames.Parse(c.HiddenAct, "hidden_act", configPath), h, c.NumAttentionHeads, c.IntermediateSize);
    }

    /// <param name="terms">Receives this layer's post-norm terms (ALTI, GlobEnc), or null.</param>
    /// <param name="layer">The layer being run (a shared group serves several), where <paramref name="terms"/> records.</param>
    /// <param name="zeroValueToken">The token whose value vector is zeroed (value zeroing), or −1.</param>
    public void Forward(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> bias, Span<float> probs, Span<float> valueOutputs, int tokens,
        PostNormTerms? terms = null, int layer = 0, int zeroValueToken = -1)
    {
        int n = tokens * _hidden, d = _hidden / _heads;
        using var qBuffer = new Scratch(n);
        using var kBuffer = new Scratch(n);
        using var vBuffer = new Scratch(n);
        using var contextBuffer = new Scratch(n);
        var q = qBuffer.Span;
        var k = kBuffer.Span;
        var v = vBuffer.Span;
        var context = contextBuffer.Span;
        _query.Forward(kernels, x, q, tokens);
        _key.Forward(kernels, x, k, tokens);
        _value.Forward(kernels, x, v, tokens);
        if (zeroValueToken >= 0) v.Slice(zeroValueToken * _hidden, _hidden).Clear();
        ScaledDotProductAttention.Forward(kernels, q, k, v, bias, probs, context, tokens, _heads, _heads, d, MathF.Sqrt(d),
            projection: _dense, valueOutputs: valueOutputs, hidden: _hidden);
        using var sumBuffer = new Scratch(n);
        var sum = sumBuffer.Span;
        _dense.Forward(kernels, context, sum, tokens);
        kernels.Add(sum, x);
        if (terms is not null) sum.CopyTo(terms.LayerPreNorm1(layer));
        using var attendedBuffer = new Scratch(n);
        var attended = attendedBuffer.Span;
        _attentionNorm.Forward(kernels, sum, attended, tokens);
        if (terms is not null)
        {
            attended.CopyTo(terms.LayerPostNorm1(layer));
            terms.SetNorms(layer, _attentionNorm, _fullNorm);
        }
        using var innerBuffer = new Scratch(tokens * _ffnSize);
        var inner = innerBuffer.Span;
        _ffn.Forward(kernels, attended, inner, tokens);
        kernels.Activate(inner, _activation);
        _ffnOutput.Forward(kernels, inner, sum, tokens);
        kernels.Add(sum, attended);
        if (terms is not null) sum.CopyTo(terms.LayerPreNorm2(layer));
        _fullNorm.Forward(kernels, sum, y, tokens);
    }
}
