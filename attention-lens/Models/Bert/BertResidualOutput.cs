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

    public LayerNorm Norm => _norm;

    public static BertResidualOutput Load(WeightScope w, int inFeatures, BertConfig c) => new(
        Linear.Load(w.Scope("dense"), inFeatures, c.HiddenSize, heads: c.NumAttentionHeads),
        LayerNorm.Load(w.Scope("LayerNorm"), c.HiddenSize, c.LayerNormEps));

    /// <param name="h">(T, in).</param>
    /// <param name="residual">(T, C).</param>
    /// <param name="output">(T, C).</param>
    /// <param name="preNorm">(T, C) receives the LayerNorm's input, or empty.</param>
    public void Forward(IKernels kernels, ReadOnlySpan<float> h, ReadOnlySpan<float> residual, Span<float> output, int tokens, Span<float> preNorm = default)
    {
        using var sumBuffer = new Scratch(output.Length);
        var sum = sumBuffer.Span;
        _dense.Forward(kernels, h, sum, tokens);
        kernels.Add(sum, residual[..sum.Length]);
        if (!preNorm.IsEmpty) sum.CopyTo(preNorm);
        _norm.Forward(kernels, sum, output, tokens);
    }
}
