using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// A decoder attention that runs the rows after a cached prefix (<see cref="ISuffixDecoderLayer"/> calls it):
/// <see cref="RotaryAttention"/>, GPT-NeoX's and OPT's attentions.
/// </summary>
public interface ISuffixAttention
{
    /// <summary>The attention of the R rows of <paramref name="x"/> (its input, already normed where the layer norms
    /// first): their keys and values into rows Start… of <paramref name="keys"/> and <paramref name="values"/>, their
    /// queries over all T rows there, the output projection into <paramref name="output"/> (R, C).</summary>
    void ForwardRows(IKernels kernels, ReadOnlySpan<float> x, Span<float> output, SuffixRows rows, Span<float> keys, Span<float> values);

    /// <summary>The keys and values of the R rows of <paramref name="x"/> into rows Start… of the cache arrays.</summary>
    void KeyValues(IKernels kernels, ReadOnlySpan<float> x, SuffixRows rows, Span<float> keys, Span<float> values);

    /// <summary><see cref="KeyValues"/> of norm(x), for the layers whose attention reads the normed input (pre-norm).</summary>
    static void NormedKeyValues(IKernels kernels, INorm norm, ISuffixAttention attention, ReadOnlySpan<float> x, SuffixRows rows, int hidden,
        Span<float> keys, Span<float> values)
    {
        using var normedBuffer = new Scratch(rows.Rows * hidden);
        norm.Forward(kernels, x, normedBuffer.Span, rows.Rows);
        attention.KeyValues(kernels, normedBuffer.Span, rows, keys, values);
    }
}
