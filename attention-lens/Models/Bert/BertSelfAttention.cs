using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Bert;

/// <summary>modeling_bert.py BertSelfAttention.forward (absolute positions): scores = Q Kᵀ / √D + mask, softmax, · V.</summary>
public sealed partial class BertSelfAttention
{
    private readonly Linear _query;
    private readonly Linear _key;
    private readonly Linear _value;
    private readonly int _heads;
    private readonly int _hidden;

    private BertSelfAttention(Linear query, Linear key, Linear value, int heads, int hidden)
    {
        _query = query;
        _key = key;
        _value = value;
        _heads = heads;
        _hidden = hidden;
    }

    public static BertSelfAttention Load(WeightScope w, BertConfig c) => new(
        Linear.Load(w.Scope("query"), c.HiddenSize, c.HiddenSize),
        Linear.Load(w.Scope("key"), c.HiddenSize, c.HiddenSize),
        Linear.Load(w.Scope("value"), c.HiddenSize, c.HiddenSize),
        c.NumAttentionHeads, c.HiddenSize);

    /// <param name="x">(T, C) layer input.</param>
    /// <param name="bias">(T, T) additive mask.</param>
    /// <param name="probs">(H, T, T) receives the attention.</param>
    /// <param name="context">(T, C) receives the concatenated heads.</param>
    public void Forward(IKernels kernels, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> probs, Span<float> context,
        int tokens, IHeadProjection output, Span<float> valueOutputs, int zeroValueToken = -1)
    {
        int n = tokens * _hidden;
        using var qBuffer = new Scratch(n);
        var q = qBuffer.Span;
        using var kBuffer = new Scratch(n);
        var k = kBuffer.Span;
        using var vBuffer = new Scratch(n);
        var v = vBuffer.Span;
        _query.Forward(kernels, x, q, tokens);
        _key.Forward(kernels, x, k, tokens);
        _value.Forward(kernels, x, v, tokens);
        if (zeroValueToken >= 0) v.Slice(zeroValueToken * _hidden, _hidden).Clear();
        int d = _hidden / _heads;
        ScaledDotProductAttention.Forward(kernels, q, k, v, bias, probs, context, tokens, _heads, _heads, d,
            MathF.Sqrt(d), projection: output, valueOutputs: valueOutputs, hidden: _hidden);
    }
}
