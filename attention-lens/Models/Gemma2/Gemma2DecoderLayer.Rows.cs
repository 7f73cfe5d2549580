using AttentionLens.Tensors;

namespace AttentionLens.Models.Gemma2;

public sealed partial class Gemma2DecoderLayer : ISuffixDecoderLayer
{
    /// <summary><see cref="Forward"/> of the R rows after a cached prefix (the body gives a global layer rows without a window).</summary>
    public void ForwardRows(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, SuffixRows rows, Span<float> keys, Span<float> values)
    {
        int n = rows.Rows * _hidden;
        using var aBuffer = new Scratch(n);
        using var bBuffer = new Scratch(n);
        using var hBuffer = new Scratch(n);
        Span<float> a = aBuffer.Span, b = bBuffer.Span, h = hBuffer.Span;
        _inputNorm.Forward(kernels, x, a, rows.Rows);
        _attention.ForwardRows(kernels, a, b, rows, keys, values);
        _postAttentionNorm.Forward(kernels, b, h, rows.Rows);
        kernels.Add(h, x);
        _preFeedForwardNorm.Forward(kernels, h, a, rows.Rows);
        _mlp.Forward(kernels, a, b, rows.Rows);
        _postFeedForwardNorm.Forward(kernels, b, y, rows.Rows);
        kernels.Add(y[..n], h);
    }

    public void KeyValues(IKernels kernels, ReadOnlySpan<float> x, SuffixRows rows, Span<float> keys, Span<float> values) =>
        ISuffixAttention.NormedKeyValues(kernels, _inputNorm, _attention, x, rows, _hidden, keys, values);
}
