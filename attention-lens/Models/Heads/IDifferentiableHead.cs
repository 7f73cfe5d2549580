using AttentionLens.Tensors;

namespace AttentionLens.Models.Heads;

/// <summary>An encoder task head with a backward pass: y of a <see cref="GradientTarget"/> and ∂y/∂(its input).</summary>
internal interface IDifferentiableHead
{
    /// <param name="sequence">(T, C) the body's last hidden state.</param>
    /// <param name="dSequence">(T, C) zeroed; receives ∂y/∂sequence.</param>
    /// <returns>y.</returns>
    float Backward(IKernels kernels, ReadOnlySpan<float> sequence, int tokens, GradientTarget target, ModelInfo info, Span<float> dSequence);
}
