using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>torch <c>nn.LayerNorm</c> over the last dimension (weight and bias of size C).</summary>
public sealed class LayerNorm : INorm
{
    private readonly ReadOnlyMemory<float> _weight;
    private readonly ReadOnlyMemory<float> _bias;
    private readonly int _size;
    private readonly float _eps;

    private LayerNorm(ReadOnlyMemory<float> weight, ReadOnlyMemory<float> bias, int size, float eps)
    {
        _weight = weight;
        _bias = bias;
        _size = size;
        _eps = eps;
    }

    public static LayerNorm Load(WeightScope w, int size, double eps) =>
        new(w.Get("weight", size), w.Get("bias", size), size, (float)eps);

    /// <summary>γ (size C), read by decomposition methods through <see cref="PostNormTerms"/>.</summary>
    public ReadOnlySpan<float> Weight => _weight.Span;

    public float Eps => _eps;

    public void Forward(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, int rows) =>
        kernels.LayerNorm(x, _weight.Span, _bias.Span, y, rows, _size, _eps);

    public void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int rows) =>
        NormBackward.LayerNorm(x, _weight.Span, dy, dx, rows, _size, _eps);
}
