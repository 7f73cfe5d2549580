using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>A normalisation over the last dimension applied row by row (LayerNorm, RMSNorm, Gemma's 1 + w RMSNorm).</summary>
public interface INorm
{
    /// <summary>Normalises <paramref name="rows"/> rows of <paramref name="x"/> into <paramref name="y"/>.</summary>
    void Forward(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, int rows);
}
