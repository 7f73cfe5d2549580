using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary><see cref="FeedForward"/> with its pre-activation kept (a decoder layer's tape uses it).</summary>
public sealed partial class FeedForward
{
    internal int Inner => up.OutFeatures;

    /// <summary><see cref="Forward"/> over <paramref name="rows"/> rows, up(x) left in <paramref name="inner"/>.</summary>
    internal void ForwardKept(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, Span<float> inner, int rows)
    {
        up.Forward(kernels, x, inner, rows);
        using var actBuffer = new Scratch(inner.Length);
        var act = actBuffer.Span;
        inner.CopyTo(act);
        kernels.Activate(act, activation);
        down.Forward(kernels, act, y, rows);
    }

    /// <summary><see cref="Backward"/> from the kept up(x): dx = upᵀ(act′(up(x)) ⊙ downᵀ dy).</summary>
    internal void BackwardKept(IKernels kernels, ReadOnlySpan<float> inner, ReadOnlySpan<float> dy, Span<float> dx, int rows)
    {
        using var dInnerBuffer = new Scratch(inner.Length);
        var dInner = dInnerBuffer.Span;
        down.Backward(kernels, dy, dInner, rows);
        kernels.ActivateBackward(inner, dInner, activation);
        up.Backward(kernels, dInner, dx, rows);
    }
}
