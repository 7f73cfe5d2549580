using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>torch <c>nn.Linear</c>: y = x Wᵀ + b with W stored (out × in).</summary>
public sealed class Linear : IHeadProjection
{
    private readonly Lazy<float[][]> _headBlocks;
    private readonly WeightMatrix _matrix;

    private Linear(ReadOnlyMemory<float> weight, ReadOnlyMemory<float> bias, int inFeatures, int outFeatures, int heads)
    {
        Weight = weight;
        Bias = bias;
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        _matrix = new WeightMatrix(weight, isNByK: true, inFeatures, outFeatures);
        _headBlocks = new Lazy<float[][]>(() => SplitColumns(heads), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public ReadOnlyMemory<float> Weight { get; }

    /// <summary>Empty when the layer has no bias.</summary>
    public ReadOnlyMemory<float> Bias { get; }

    public int InFeatures { get; }

    public int OutFeatures { get; }

    /// <param name="heads">For an attention output projection: the number of heads its input is split into.</param>
    public static Linear Load(WeightScope w, int inFeatures, int outFeatures, bool bias = true, int heads = 1) =>
        new(w.Get("weight", outFeatures, inFeatures), bias ? w.Get("bias", outFeatures) : ReadOnlyMemory<float>.Empty, inFeatures, outFeatures, heads);

    /// <summary>A linear layer over given weights (tied heads reuse the embedding matrix).</summary>
    public static Linear FromWeights(ReadOnlyMemory<float> weight, ReadOnlyMemory<float> bias, int inFeatures, int outFeatures) =>
        new(weight, bias, inFeatures, outFeatures, 1);

    /// <param name="x">(rows, in).</param>
    /// <param name="y">(rows, out).</param>
    public void Forward(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, int rows) =>
        kernels.MatMul(x, _matrix, Bias.Span, y, rows);

    /// <summary>v_h W_O^h: the head's D input columns of W, kept (out × D) contiguous after first use.</summary>
    public void HeadForward(IKernels kernels, ReadOnlySpan<float> valueHead, int head, Span<float> output, int tokens)
    {
        var block = _headBlocks.Value[head];
        kernels.MatMulTransposed(valueHead, block, ReadOnlySpan<float>.Empty, output, tokens, block.Length / OutFeatures, OutFeatures);
    }

    private float[][] SplitColumns(int heads)
    {
        int d = InFeatures / heads;
        var w = Weight.Span;
        var blocks = new float[heads][];
        for (int h = 0; h < heads; h++)
        {
            blocks[h] = new float[OutFeatures * d];
            for (int o = 0; o < OutFeatures; o++)
                w.Slice(o * InFeatures + h * d, d).CopyTo(blocks[h].AsSpan(o * d, d));
        }
        return blocks;
    }
}
