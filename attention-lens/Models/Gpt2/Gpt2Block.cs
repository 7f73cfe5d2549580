using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Gpt2;

/// <summary>
/// modeling_gpt2.py GPT2Block (pre-norm): h = x + c_proj(attn(ln_1(x))), y = h + mlp(ln_2(h)), with
/// GPT2Attention._attn: scores = Q Kᵀ / √D (scale_attn_weights) / (layer + 1)
/// (scale_attn_by_inverse_layer_idx), causal mask, padding mask, softmax, · V.
/// </summary>
public sealed class Gpt2Block
{
    private readonly LayerNorm _ln1;
    private readonly Conv1D _cAttn;
    private readonly Conv1D _attnProj;
    private readonly LayerNorm _ln2;
    private readonly Conv1D _cFc;
    private readonly Conv1D _mlpProj;
    private readonly Activation _activation;
    private readonly float _divisor;
    private readonly int _hidden;
    private readonly int _heads;
    private readonly int _inner;

    private Gpt2Block(LayerNorm ln1, Conv1D cAttn, Conv1D attnProj, LayerNorm ln2, Conv1D cFc, Conv1D mlpProj, Activation activation, float divisor, int hidden, int heads, int inner)
    {
        _ln1 = ln1;
        _cAttn = cAttn;
        _attnProj = attnProj;
        _ln2 = ln2;
        _cFc = cFc;
        _mlpProj = mlpProj;
        _activation = activation;
        _divisor = divisor;
        _hidden = hidden;
        _heads = heads;
        _inner = inner;
    }

    public static Gpt2Block Load(WeightScope w, Gpt2Config c, int layer, string configPath)
    {
        int e = c.NEmbd;
        float divisor = 1f;
        if (c.ScaleAttnWeights) divisor *= MathF.Sqrt(c.HeadDim);
        if (c.ScaleAttnByInverseLayerIdx) divisor *= layer + 1;
        return new Gpt2Block(
            LayerNorm.Load(w.Scope("ln_1"), e, c.LayerNormEpsilon),
            Conv1D.Load(w.Scope("attn").Scope("c_attn"), e, 3 * e),
            Conv1D.Load(w.Scope("attn").Scope("c_proj"), e, e),
            LayerNorm.Load(w.Scope("ln_2"), e, c.LayerNormEpsilon),
            Conv1D.Load(w.Scope("mlp").Scope("c_fc"), e, c.Inner),
            Conv1D.Load(w.Scope("mlp").Scope("c_proj"), c.Inner, e),
            ActivationNames.Parse(c.ActivationFunction, "activation_function", configPath),
            divisor, e, c.NHead, c.Inner);
    }

    /// <param name="x">(T, C) input.</param>
    /// <param name="y">(T, C) output.</param>
    /// <param name="residualMid">(T, C) receives x + attention output, or empty.</param>
    public void Forward(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> bias, Span<float> probs, Span<float> valueOutputs, int tokens,
        Span<float> residualMid = default)
    {
        int n = tokens * _hidden;
        using var normedBuffer = new Scratch(n);
        var normed = normedBuffer.Span;
        _ln1.Forward(kernels, x, normed, tokens);
        using var qkvBuffer = new Scratch(3 * n);
        var qkv = qkvBuffer.Span;
        _cAttn.Forward(kernels, normed, qkv, tokens);
        // c_attn's output splits along features into q | k | v (GPT2Attention.forward: split(split_size, dim=2)).
        using var qBuffer = new Scratch(n);
        var q = qBuffer.Span;
        using var kBuffer = new Scratch(n);
        var k = kBuffer.Span;
        using var vBuffer = new Scratch(n);
        var v = vBuffer.Span;
        for (int t = 0; t < tokens; t++)
        {
            var row = qkv.Slice(t * 3 * _hidden, 3 * _hidden);
            row[.._hidden].CopyTo(q.Slice(t * _hidden));
            row.Slice(_hidden, _hidden).CopyTo(k.Slice(t * _hidden));
            row.Slice(2 * _hidden, _hidden).CopyTo(v.Slice(t * _hidden));
        }
        using var contextBuffer = new Scratch(n);
        var context = contextBuffer.Span;
        ScaledDotProductAttention.Forward(kernels, q, k, v, bias, probs, context, tokens, _heads, _heads, _hidden / _heads, _divisor,
            projection: _attnProj, valueOutputs: valueOutputs, hidden: _hidden);
        using var attendedBuffer = new Scratch(n);
        var attended = attendedBuffer.Span;
        _attnProj.Forward(kernels, context, attended, tokens);
        kernels.Add(attended, x[..n]);
        if (!residualMid.IsEmpty) attended.CopyTo(residualMid);

        _ln2.Forward(kernels, attended, normed, tokens);
        using var innerBuffer = new Scratch(tokens * _inner);
        var inner = innerBuffer.Span;
        _cFc.Forward(kernels, normed, inner, tokens);
        kernels.Activate(inner, _activation);
        _mlpProj.Forward(kernels, inner, y, tokens);
        kernels.Add(y[..n], attended);
    }
}
