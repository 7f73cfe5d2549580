using AttentionLens.Checkpoints;
using AttentionLens.Models.Bert;
using AttentionLens.Tensors;

namespace AttentionLens.Models.DebertaV2;

/// <summary>
/// modeling_deberta_v2.py DebertaV2Layer (post-norm, BERT's shape): a = LayerNorm(x + dense(attn(x)))
/// (DebertaV2Attention = DisentangledSelfAttention + DebertaV2SelfOutput), y = LayerNorm(a + W₂ act(W₁ a)).
/// </summary>
public sealed partial class DebertaV2Layer
{
    private readonly DisentangledSelfAttention _attention;
    private readonly BertResidualOutput _attentionOutput;
    private readonly Linear _intermediate;
    private readonly BertResidualOutput _output;
    private readonly Activation _activation;
    private readonly int _hidden;
    private readonly int _ffn;

    private DebertaV2Layer(DisentangledSelfAttention attention, BertResidualOutput attentionOutput, Linear intermediate, BertResidualOutput output, Activation activation, int hidden, int ffn)
    {
        _attention = attention;
        _attentionOutput = attentionOutput;
        _intermediate = intermediate;
        _output = output;
        _activation = activation;
        _hidden = hidden;
        _ffn = ffn;
    }

    public static DebertaV2Layer Load(IKernels kernels, WeightScope w, DebertaV2Config c, float[] relativeEmbeddings, string configPath)
    {
        // DebertaV2SelfOutput / DebertaV2Output have BertSelfOutput's names and computation.
        var shape = new BertConfig { HiddenSize = c.HiddenSize, NumAttentionHeads = c.NumAttentionHeads, LayerNormEps = c.LayerNormEps };
        return new DebertaV2Layer(
            DisentangledSelfAttention.Load(kernels, w.Scope("attention").Scope("self"), c, relativeEmbeddings),
            BertResidualOutput.Load(w.Scope("attention").Scope("output"), c.HiddenSize, shape),
            Linear.Load(w.Scope("intermediate").Scope("dense"), c.HiddenSize, c.IntermediateSize),
            BertResidualOutput.Load(w.Scope("output"), c.IntermediateSize, shape),
            ActivationNames.Parse(c.HiddenAct, "hidden_act", configPath), c.HiddenSize, c.IntermediateSize);
    }

    /// <param name="terms">Receives this layer's post-norm terms (ALTI, GlobEnc), or null.</param>
    /// <param name="zeroValueToken">The token whose value vector is zeroed (value zeroing), or −1.</param>
    public void Forward(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> mask, int[] positions,
        Span<float> probs, Span<float> valueOutputs, int tokens, PostNormTerms? terms = null, int layer = 0, int zeroValueToken = -1)
    {
        using var contextBuffer = new Scratch(tokens * _hidden);
        var context = contextBuffer.Span;
        _attention.Forward(kernels, x, mask, positions, probs, context, tokens, _attentionOutput.Dense, valueOutputs, zeroValueToken);
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
