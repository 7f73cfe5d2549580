using AttentionLens.Tensors;

namespace AttentionLens.Models.GptNeoX;

public sealed partial class GptNeoXAttention : ISuffixAttention
{
    /// <summary><see cref="Forward"/> of the R rows after a cached prefix: their keys and values into rows Start… of
    /// <paramref name="keys"/> and <paramref name="values"/>, their queries over all T (<see cref="AppendedRowsAttention"/>).</summary>
    public void ForwardRows(IKernels kernels, ReadOnlySpan<float> x, Span<float> output, SuffixRows rows, Span<float> keys, Span<float> values)
    {
        int r = rows.Rows, c = _heads * _headDim;
        using var qBuffer = new Scratch(r * c);
        var q = qBuffer.Span;
        Project(kernels, x, r, rows.RequireRope(), q, keys.Slice(rows.Start * c, r * c), values.Slice(rows.Start * c, r * c));
        using var contextBuffer = new Scratch(r * c);
        var context = contextBuffer.Span;
        AppendedRowsAttention.Forward(kernels, q, keys, values, context, rows.Start, r, _heads, _heads, _headDim, 1f / MathF.Sqrt(_headDim), rows.KeyMask, null);
        _dense.Forward(kernels, context, output, r);
    }

    /// <summary>The keys and values of the R rows of the normed input <paramref name="x"/> into rows Start… of the cache arrays.</summary>
    public void KeyValues(IKernels kernels, ReadOnlySpan<float> x, SuffixRows rows, Span<float> keys, Span<float> values)
    {
        int r = rows.Rows, c = _heads * _headDim;
        using var qBuffer = new Scratch(r * c);
        Project(kernels, x, r, rows.RequireRope(), qBuffer.Span, keys.Slice(rows.Start * c, r * c), values.Slice(rows.Start * c, r * c));
    }
}
