using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>The reverse mode of <see cref="FeedForward"/>.</summary>
public sealed partial class FeedForward
{
    /// <summary>dx = upᵀ(act′(up(x)) ⊙ downᵀ dy), up(x) recomputed from <paramref name="x"/>.</summary>
    public void Backward(IKernels kernels, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int tokens)
    {
        int f = tokens * up.OutFeatures;
        using var innerBuffer = new Scratch(f);
        using var dInnerBuffer = new Scratch(f);
        up.Forward(kernels, x, innerBuffer.Span, tokens);
        down.Backward(kernels, dy, dInnerBuffer.Span, tokens);
        ActivationBackward.Apply(innerBuffer.Span, dInnerBuffer.Span, activation);
        up.Backward(kernels, dInnerBuffer.Span, dx, tokens);
    }
}
