using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>The two-layer MLP y = down(act(up(x))) (GPT-NeoX dense_h_to_4h/dense_4h_to_h, Phi fc1/fc2, OPT fc1/fc2).</summary>
public sealed partial class FeedForward(Linear up, Activation activation, Linear down)
{
    /// <param name="x">(T, C).</param>
    /// <param name="y">(T, C) overwritten.</param>
    public void Forward(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, int tokens)
    {
        using var innerBuffer = new Scratch(tokens * up.OutFeatures);
        var inner = innerBuffer.Span;
        up.Forward(kernels, x, inner, tokens);
        kernels.Activate(inner, activation);
        down.Forward(kernels, inner, y, tokens);
    }
}
