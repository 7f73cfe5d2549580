using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Bert;

/// <summary>modeling_bert.py BertSelfOutput and BertOutput (same shape of computation):
/// LayerNorm(dense(h) + residual).</summary>
public sealed class BertResidualOutput
{
    private readonly Linear _dense;
    private readonly LayerNorm _norm;

    private BertResidualOutput(Linear dense, LayerNorm norm)
    {
        _dense = dense;
        _norm = norm;
    }

    public Linear Dense => _dense;

    public static BertResidualOutput Load(WeightScope w, int inFeatures, BertConfig c) => new(
        Linear.Load(w.Scope("dense"), inFeatures, c.HiddenSize, heads: c.NumAttentionHeads),
        LayerNorm.Load(w.Scope("LayerNorm"), c.HiddenSize, c.LayerNormEps));

    /// <param name="h">(T, in).</param>
    /// <param name="residual">(T, C).</param>
    /// <param name="output">(T, C).</param>
    public void Forward(IKernels kernels, ReadOnlySpan<float> h, ReadOnlySpan<float> residual, Span<float> output, int tokens)
    {
        var sum = new float[output.Length];
        _dense.Forward(kernels, h, sum, tokens);
        for (int i = 0; i < sum.Length; i++) sum[i] += residual[i];
        _norm.Forward(kernels, sum, output, tokens);
    }
}
