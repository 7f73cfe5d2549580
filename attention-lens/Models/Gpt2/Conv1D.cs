using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Gpt2;

/// <summary>transformers pytorch_utils.Conv1D: y = x W + b with W stored (in × out), the transpose of nn.Linear.</summary>
public sealed class Conv1D : IHeadProjection
{
    private readonly WeightData _weight;
    private readonly WeightMatrix _matrix;
    private readonly Lazy<WeightMatrix> _transposed;
    private readonly ReadOnlyMemory<float> _bias;
    private readonly int _in;
    private readonly int _out;

    private Conv1D(WeightData weight, ReadOnlyMemory<float> bias, int inFeatures, int outFeatures)
    {
        _weight = weight;
        _bias = bias;
        _in = inFeatures;
        _out = outFeatures;
        _matrix = new WeightMatrix(weight, isNByK: false, inFeatures, outFeatures);
        _transposed = new Lazy<WeightMatrix>(() => new WeightMatrix(weight, isNByK: true, outFeatures, inFeatures), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public static Conv1D Load(WeightScope w, int inFeatures, int outFeatures) =>
        new(w.GetData("weight", inFeatures, outFeatures), w.Get("bias", outFeatures), inFeatures, outFeatures);

    public void Forward(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, int rows) =>
        kernels.MatMul(x, _matrix, _bias.Span, y, rows);

    /// <summary>Reverse mode with respect to the input: dX = dY·Wᵀ with W stored (in × out), so the
    /// (out × in)-as-n×k view of the same values, made on first use and packed once (see <see cref="Linear.Backward"/>).</summary>
    public void Backward(IKernels kernels, ReadOnlySpan<float> dy, Span<float> dx, int rows) =>
        kernels.MatMul(dy, _transposed.Value, ReadOnlySpan<float>.Empty, dx, rows);

    /// <summary>v_h W_O^h: rows [hD, (h+1)D) of the (in × out) weight are already contiguous.</summary>
    public void HeadForward(IKernels kernels, ReadOnlySpan<float> valueHead, int head, Span<float> output, int tokens)
    {
        int d = valueHead.Length / tokens;
        if (_weight.Is16Bit)
            kernels.MatMul(valueHead, new WeightMatrix(_weight.Slice(head * d * _out, d * _out), isNByK: false, d, _out), ReadOnlySpan<float>.Empty, output, tokens);
        else
            kernels.MatMul(valueHead, _weight.Values.Span.Slice(head * d * _out, d * _out), ReadOnlySpan<float>.Empty, output, tokens, d, _out);
    }
}
