using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// A decoder layer that runs the rows after a cached prefix (<see cref="ICausalSuffixBody"/>): the
/// layer's own forward for R rows, its attention reading every cached key and value.
/// </summary>
public interface ISuffixDecoderLayer
{
    /// <summary>The layer on the R rows of <paramref name="rows"/> (see <see cref="ICausalSuffixBody.LayerRows"/>).</summary>
    void ForwardRows(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, SuffixRows rows, Span<float> keys, Span<float> values);

    /// <summary>The layer's keys and values of the R rows of its input <paramref name="x"/> (see <see cref="ICausalSuffixBody.LayerKeyValues"/>).</summary>
    void KeyValues(IKernels kernels, ReadOnlySpan<float> x, SuffixRows rows, Span<float> keys, Span<float> values);
}
