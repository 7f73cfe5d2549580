using AttentionLens.Checkpoints;
using System.Numerics.Tensors;
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
        var sum = Scratch.Uninitialized(output.Length);
        _dense.Forward(kernels, h, sum, tokens);
        TensorPrimitives.Add(sum, residual[..sum.Length], sum);
        _norm.Forward(kernels, sum, output, tokens);
    }
}
