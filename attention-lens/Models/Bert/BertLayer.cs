using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Bert;

/// <summary>
/// modeling_bert.py BertLayer (post-norm): a = LN(x + O(attn(x))) (BertAttention = BertSelfAttention +
/// BertSelfOutput), y = LN(a + W₂ act(W₁ a)) (BertIntermediate + BertOutput).
/// </summary>
public sealed partial class BertLayer
{
    private readonly BertSelfAttention _attention;
    private readonly BertResidualOutput _attentionOutput;
    private readonly Linear _intermediate;
    private readonly BertResidualOutput _output;
    private readonly Activation _activation;
    private readonly int _hidden;
    private readonly int _ffn;

    private BertLayer(BertSelfAttention attention, BertResidualOutput attentionOutput, Linear intermediate, BertResidualOutput output, Activation activation, int hidden, int ffn)
    {
        _attention = attention;
        _attentionOutput = attentionOutput;
        _intermediate = intermediate;
        _output = output;
        _activation = activation;
        _hidden = hidden;
        _ffn = ffn;
    }

    public static BertLayer Load(WeightScope w, BertConfig c, string configPath) => new(
        BertSelfAttention.Load(w.Scope("attention").Scope("self"), c),
        BertResidualOutput.Load(w.Scope("attention").Scope("output"), c.HiddenSize, c),
        Linear.Load(w.Scope("intermediate").Scope("dense"), c.HiddenSize, c.IntermediateSize),
        BertResidualOutput.Load(w.Scope("output"), c.IntermediateSize, c),
        ActivationNames.Parse(c.HiddenAct, "hidden_act", configPath),
        c.HiddenSize, c.IntermediateSize);

    /// <param name="x">(T, C) input.</param>
    /// <param name="y">(T, C) output.</param>
    /// <param name="probs">(H, T, T) attention.</param>
    /// <param name="valueOutputs">(H, T, C) or empty.</param>
    /// <param name="terms">Receives this layer's post-norm terms, or null.</param>
    public void Forward(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> bias, Span<float> probs, Span<float> valueOutputs, int tokens,
        PostNormTerms? terms = null, int layer = 0, int zeroValueToken = -1)
    {
        using var contextBuffer = new Scratch(tokens * _hidden);
        var context = contextBuffer.Span;
        _attention.Forward(kernels, x, bias, probs, context, tokens, _attentionOutput.Dense, valueOutputs, zeroValueToken);
        using var attendedBuffer = new Scratch(tokens * _hidden);
        var attended = attendedBuffer.Span;
        _attentionOutput.Forward(kernels, context, x, attended, tokens, terms is null ? default : terms.LayerPreNorm1(layer));
        if (terms is not null)
        {
            attended.CopyTo(terms.LayerPostNorm1(layer));
            terms.SetNorms(layer, _attentionOutput.Norm, _output.Norm);
        }
        using var innerBuffer = new Scratch(tokens * _ffn);
        var inner = innerBuffer.Span;
        _intermediate.Forward(kernels, attended, inner, tokens);
        kernels.Activate(inner, _activation);
        _output.Forward(kernels, inner, attended, y, tokens, terms is null ? default : terms.LayerPreNorm2(layer));
    }
}
