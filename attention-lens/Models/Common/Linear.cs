using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>torch <c>nn.Linear</c>: y = x Wᵀ + b with W stored (out × in), in the checkpoint's
/// element type (bf16/f16 weights stay 16-bit; the kernels widen them exactly as they read them).</summary>
public sealed class Linear : IHeadProjection
{
    private readonly Lazy<WeightMatrix[]> _headBlocks;
    private readonly WeightMatrix _matrix;
    private readonly Lazy<WeightMatrix> _transposed;

    private Linear(WeightData weight, ReadOnlyMemory<float> bias, int inFeatures, int outFeatures, int heads)
    {
        Bias = bias;
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        _matrix = new WeightMatrix(weight, isNByK: true, inFeatures, outFeatures);
        _headBlocks = new Lazy<WeightMatrix[]>(() => SplitColumns(heads), LazyThreadSafetyMode.ExecutionAndPublication);
        _transposed = new Lazy<WeightMatrix>(() => new WeightMatrix(_matrix.Data, isNByK: false, outFeatures, inFeatures), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The weight as float32: in place for a float32 checkpoint, a widened copy of a 16-bit
    /// one (the forward pass never needs it; see <see cref="WeightData"/>).</summary>
    public ReadOnlyMemory<float> Weight => _matrix.Values;

    /// <summary>The weight as stored.</summary>
    public WeightData WeightData => _matrix.Data;

    /// <summary>Empty when the layer has no bias.</summary>
    public ReadOnlyMemory<float> Bias { get; }

    public int InFeatures { get; }

    public int OutFeatures { get; }

    /// <param name="heads">For an attention output projection: the number of heads its input is split into.</param>
    public static Linear Load(WeightScope w, int inFeatures, int outFeatures, bool bias = true, int heads = 1) =>
        new(w.GetData("weight", outFeatures, inFeatures), bias ? w.Get("bias", outFeatures) : ReadOnlyMemory<float>.Empty, inFeatures, outFeatures, heads);

    /// <summary>A linear layer over given weights (tied heads reuse the embedding matrix).</summary>
    public static Linear FromWeights(ReadOnlyMemory<float> weight, ReadOnlyMemory<float> bias, int inFeatures, int outFeatures) =>
        new(WeightData.FromFloat32(weight), bias, inFeatures, outFeatures, 1);

    /// <summary>A linear layer over given weights in their stored element type (a tied head over a bf16 embedding).</summary>
    public static Linear FromWeights(WeightData weight, ReadOnlyMemory<float> bias, int inFeatures, int outFeatures) =>
        new(weight, bias, inFeatures, outFeatures, 1);

    /// <param name="x">(rows, in).</param>
    /// <param name="y">(rows, out).</param>
    public void Forward(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, int rows) =>
        kernels.MatMul(x, _matrix, Bias.Span, y, rows);

    /// <summary>
    /// Reverse mode with respect to the input: dX = dY·W, (rows, out) · (out × in), through a second view of
    /// the same values (k × n) made on the first backward pass. The GEMM keeps its packed copy like the
    /// forward's, so a float32 model that ran a backward pass holds its linear weights packed twice (BERT-base:
    /// +0.34 GB); 16-bit weights are never packed whole (widened panel by panel), so they cost nothing more.
    /// Packing per call instead measured slower (bench gradient, bert-base, 128 tokens: 4.2× a forward against
    /// 3.75×) and with a higher peak working set (1.57 against 1.32 GB: each call's packed copy is pinned).
    /// </summary>
    public void Backward(IKernels kernels, ReadOnlySpan<float> dy, Span<float> dx, int rows)
    {
        if (rows <= RowwiseBackwardRows)
        {
            RowwiseBackward(dy, dx, rows);
            return;
        }
        kernels.MatMul(dy, _transposed.Value, ReadOnlySpan<float>.Empty, dx, rows);
    }

    /// <summary>Rows up to which <see cref="Backward"/> sums weight rows instead of running the GEMM.</summary>
    private const int RowwiseBackwardRows = 4;

    /// <summary>
    /// dX[r] = Σ_o dY[r, o]·W[o, :] over the nonzero dY only: a head's backward on the target's row, whose seed is
    /// one or two nonzero logits (a logit or a contrast) — O(C) instead of the GEMM's O(V·C), and without the
    /// GEMM's packed copy of a whole vocabulary-sized matrix. 16-bit rows are widened one at a time.
    /// </summary>
    private void RowwiseBackward(ReadOnlySpan<float> dy, Span<float> dx, int rows)
    {
        var data = _matrix.Data;
        var wide = data.Is16Bit ? new float[InFeatures] : null;
        for (int r = 0; r < rows; r++)
        {
            var target = dx.Slice(r * InFeatures, InFeatures);
            target.Clear();
            for (int o = 0; o < OutFeatures; o++)
            {
                float g = dy[r * OutFeatures + o];
                if (g == 0) continue;
                ReadOnlySpan<float> row;
                if (wide is null) row = data.Values.Span.Slice(o * InFeatures, InFeatures);
                else
                {
                    data.WidenTo(o * InFeatures, wide);
                    row = wide;
                }
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(row, g, target, target);
            }
        }
    }

    /// <summary>v_h W_O^h: the head's D input columns of W, kept (out × D) contiguous after first use
    /// (in the stored element type: a bf16 W_O costs its own size again, not twice that).</summary>
    public void HeadForward(IKernels kernels, ReadOnlySpan<float> valueHead, int head, Span<float> output, int tokens)
    {
        var block = _headBlocks.Value[head];
        if (block.Data.Is16Bit) kernels.MatMul(valueHead, block, ReadOnlySpan<float>.Empty, output, tokens);
        else kernels.MatMulTransposed(valueHead, block.Data.Values.Span, ReadOnlySpan<float>.Empty, output, tokens, block.K, OutFeatures);
    }

    private WeightMatrix[] SplitColumns(int heads)
    {
        int d = InFeatures / heads;
        var data = _matrix.Data;
        var blocks = new WeightMatrix[heads];
        for (int h = 0; h < heads; h++)
        {
            if (data.Is16Bit)
            {
                var bits = data.Bits.Span;
                var block = new ushort[OutFeatures * d];
                for (int o = 0; o < OutFeatures; o++)
                    bits.Slice(o * InFeatures + h * d, d).CopyTo(block.AsSpan(o * d, d));
                blocks[h] = new WeightMatrix(WeightData.From16Bit(block, data.ElementType), isNByK: true, d, OutFeatures);
            }
            else
            {
                var w = data.Values.Span;
                var block = new float[OutFeatures * d];
                for (int o = 0; o < OutFeatures; o++)
                    w.Slice(o * InFeatures + h * d, d).CopyTo(block.AsSpan(o * d, d));
                blocks[h] = new WeightMatrix(block, isNByK: true, d, OutFeatures);
            }
        }
        return blocks;
    }
}
