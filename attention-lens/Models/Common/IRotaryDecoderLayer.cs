using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>A decoder layer that runs on one rotary table and one additive mask (H-independent, (T, T)).</summary>
public interface IRotaryDecoderLayer
{
    /// <summary>
    /// Runs the layer from <paramref name="x"/> into <paramref name="y"/> (T, C each), writing its attention
    /// probabilities (H, T, T) and, when non-empty, its value outputs (H, T, C); with <paramref name="stream"/>,
    /// its residual state after attention (<see cref="ResidualStream.Mid"/>) for <paramref name="layer"/>;
    /// token <paramref name="zeroValueToken"/>'s value vectors zeroed in every head, or none (−1; value zeroing).
    /// </summary>
    void Forward(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> bias, RopeTable rope,
        Span<float> probs, Span<float> valueOutputs, int tokens, ResidualStream? stream = null, int layer = 0, int zeroValueToken = -1);

    /// <summary>
    /// Reverse mode: recomputes the layer from its input <paramref name="x"/> and turns ∂y/∂output
    /// <paramref name="dy"/> into ∂y/∂x (<paramref name="dx"/>) and ∂y/∂P (<paramref name="dProbs"/>, (H, T, T)).
    /// </summary>
    void Backward(IKernels kernels, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, RopeTable rope, ReadOnlySpan<float> dy, Span<float> dx,
        Span<float> dProbs, int tokens);
}
