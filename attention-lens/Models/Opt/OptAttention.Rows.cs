using AttentionLens.Tensors;

namespace AttentionLens.Models.Opt;

public sealed partial class OptAttention : ISuffixAttention
{
    /// <summary><see cref="Forward"/> of the R rows after a cached prefix: their keys and values into rows Start… of
    /// <paramref name="keys"/> and <paramref name="values"/>, their queries (scaled by head_dim^−½ before the product,
    /// as OPTAttention scales q_proj's output) over all T (<see cref="AppendedRowsAttention"/>).</summary>
    public void ForwardRows(IKernels kernels, ReadOnlySpan<float> x, Span<float> output, SuffixRows rows, Span<float> keys, Span<float> values)
    {
        int r = rows.Rows, c = _heads * _headDim;
        using var qBuffer = new Scratch(r * c);
        var q = qBuffer.Span;
        _q.Forward(kernels, x, q, r);
        KeyValues(kernels, x, rows, keys, values);
        float scale = 1f / MathF.Sqrt(_headDim);
        for (int i = 0; i < q.Length; i++) q[i] *= scale;
        using var contextBuffer = new Scratch(r * c);
        var context = contextBuffer.Span;
        AppendedRowsAttention.Forward(kernels, q, keys, values, context, rows.Start, r, _heads, _heads, _headDim, 1f, rows.KeyMask, null);
        _out.Forward(kernels, context, output, r);
    }

    /// <summary>k_proj and v_proj of the R rows of <paramref name="x"/> into rows Start… of the cache arrays.</summary>
    public void KeyValues(IKernels kernels, ReadOnlySpan<float> x, SuffixRows rows, Span<float> keys, Span<float> values)
    {
        int r = rows.Rows, c = _heads * _headDim;
        _k.Forward(kernels, x, keys.Slice(rows.Start * c, r * c), r);
        _v.Forward(kernels, x, values.Slice(rows.Start * c, r * c), r);
    }
}
