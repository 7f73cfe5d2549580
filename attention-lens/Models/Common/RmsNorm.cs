using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>LlamaRMSNorm (modeling_llama.py): x / sqrt(mean(x²) + eps) · weight, in float32.</summary>
public sealed class RmsNorm : INorm
{
    private readonly ReadOnlyMemory<float> _weight;
    private readonly int _size;
    private readonly float _eps;

    private RmsNorm(ReadOnlyMemory<float> weight, int size, float eps)
    {
        _weight = weight;
        _size = size;
        _eps = eps;
    }

    public static RmsNorm Load(WeightScope w, int size, double eps) => new(w.Get("weight", size), size, (float)eps);

    public void Forward(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, int rows) =>
        kernels.RmsNorm(x, _weight.Span, y, rows, _size, _eps);

    public void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int rows) =>
        NormBackward.RmsNorm(x, _weight.Span, dy, dx, rows, _size, _eps);
}
