using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// What every decoder layer's <see cref="ILayerTape"/> holds the same way: the layer whose weights it runs, the pass's
/// additive mask (b, T, T or T, T as the layer's attention reads it), b sequences of T tokens, and the layer input x
/// kept by reference (<see cref="ILayerTape.Forward"/> leaves it unchanged until the backward), which the input
/// norm's backward reads. The layer's own tape keeps the rest and writes the math.
/// </summary>
internal abstract class DecoderLayerTape<TLayer> : ILayerTape
{
    private ReadOnlyMemory<float> _x;

    protected DecoderLayerTape(TLayer layer, float[] bias, int batch, int tokens, int hidden) =>
        (Layer, Bias, Batch, Tokens, StateLength) = (layer, bias, batch, tokens, batch * tokens * hidden);

    protected TLayer Layer { get; }
    protected float[] Bias { get; }
    protected int Batch { get; }
    protected int Tokens { get; }

    /// <summary>b·T, the rows every row-wise piece (norms, projections, MLP) runs over.</summary>
    protected int Rows => Batch * Tokens;

    /// <summary>b·T·C, the floats of a hidden state (the leading part of the spans the stack hands in).</summary>
    protected int StateLength { get; }

    /// <summary>The kept layer input, (b·T, C).</summary>
    protected ReadOnlySpan<float> X => _x.Span;

    public abstract ReadOnlySpan<float> Probs { get; }

    public void Forward(IKernels kernels, ReadOnlyMemory<float> x, Span<float> y)
    {
        _x = x[..StateLength];
        ForwardKept(kernels, _x.Span, y);
    }

    /// <summary>y = layer(x) over the b·T rows of <paramref name="x"/> (<see cref="StateLength"/> floats), keeping what the backward reads.</summary>
    protected abstract void ForwardKept(IKernels kernels, ReadOnlySpan<float> x, Span<float> y);

    public abstract void Backward(IKernels kernels, ReadOnlySpan<float> dy, Span<float> dx, Span<float> dProbs);
}
