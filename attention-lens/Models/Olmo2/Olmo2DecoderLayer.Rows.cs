using AttentionLens.Tensors;

namespace AttentionLens.Models.Olmo2;

public sealed partial class Olmo2DecoderLayer : ISuffixDecoderLayer
{
    /// <summary><see cref="Forward"/> of the R rows after a cached prefix: h = x + norm_a(attn(x)), y = h + norm_m(mlp(h)).</summary>
    public void ForwardRows(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, SuffixRows rows, Span<float> keys, Span<float> values)
    {
        int n = rows.Rows * _hidden;
        using var aBuffer = new Scratch(n);
        using var hBuffer = new Scratch(n);
        Span<float> a = aBuffer.Span, h = hBuffer.Span;
        _attention.ForwardRows(kernels, x, a, rows, keys, values);
        _postAttentionNorm.Forward(kernels, a, h, rows.Rows);
        kernels.Add(h, x);
        _mlp.Forward(kernels, h, a, rows.Rows);
        _postFeedForwardNorm.Forward(kernels, a, y, rows.Rows);
        kernels.Add(y[..n], h);
    }

    /// <summary>The attention reads the layer input itself (the norms come after the sublayers).</summary>
    public void KeyValues(IKernels kernels, ReadOnlySpan<float> x, SuffixRows rows, Span<float> keys, Span<float> values) =>
        _attention.KeyValues(kernels, x, rows, keys, values);
}
