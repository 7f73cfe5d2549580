using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>A normalisation over the last dimension applied row by row (LayerNorm, RMSNorm, Gemma's 1 + w RMSNorm).</summary>
public interface INorm
{
    /// <summary>Normalises <paramref name="rows"/> rows of <paramref name="x"/> into <paramref name="y"/>.</summary>
    void Forward(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, int rows);

    /// <summary>Reverse mode with respect to the input: <paramref name="dx"/> = (∂y/∂x)ᵀ <paramref name="dy"/> for
    /// the forward input <paramref name="x"/> (<see cref="NormBackward"/>).</summary>
    void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int rows);
}
