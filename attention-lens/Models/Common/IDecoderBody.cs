using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// A decoder body (the bare <c>…Model</c> under a <see cref="DecoderTaskModel"/>) whose final norm can
/// be applied to any rows of the residual stream, not only to the last layer's output: what the
/// logit lens (docs/methods.md#logitlens) reads every layer through.
/// </summary>
public interface IDecoderBody
{
    /// <summary>
    /// The body's final norm (LayerNorm, RMSNorm, Gemma's 1 + w RMSNorm) from <paramref name="x"/> into
    /// <paramref name="y"/>, (<paramref name="rows"/>, C) each; a body without one (post-norm OPT) copies.
    /// </summary>
    void FinalNorm(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, int rows);
}
