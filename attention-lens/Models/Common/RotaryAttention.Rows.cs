using AttentionLens.Tensors;

namespace AttentionLens.Models;

public sealed partial class RotaryAttention : ISuffixAttention
{
    /// <summary>
    /// q, k, v of <paramref name="tokens"/> rows (separate or fused projections), OLMo-2's q/k norms,
    /// and the rotary embeddings of <paramref name="rope"/>'s positions on q and k; with
    /// <paramref name="queries"/> false and separate projections, k and v only (q is left as it was).
    /// </summary>
    private void Project(IKernels kernels, ReadOnlySpan<float> x, int tokens, RopeTable rope, Span<float> q, Span<float> k, Span<float> v, bool queries = true)
    {
        Projections(kernels, x, q, k, v, tokens, queries);
        if (_kNorm is not null) NormInPlace(kernels, _kNorm, k, tokens);
        PartialRotary.Apply(kernels, k, tokens, _kvHeads, _headDim, _rotaryDim, rope);
        if (!queries) return;
        if (_qNorm is not null) NormInPlace(kernels, _qNorm, q, tokens);
        PartialRotary.Apply(kernels, q, tokens, _heads, _headDim, _rotaryDim, rope);
    }

    /// <summary>
    /// <see cref="Forward"/> of the R rows after a cached prefix: their keys and values go into rows
    /// Start… of <paramref name="keys"/> and <paramref name="values"/>, and their queries attend over all
    /// T rows there (<see cref="AppendedRowsAttention"/>, with the soft-cap and sliding window of the layer).
    /// </summary>
    /// <param name="x">(R, C) normed input of the rows.</param>
    /// <param name="output">(R, C) the output projection of their attention.</param>
    public void ForwardRows(IKernels kernels, ReadOnlySpan<float> x, Span<float> output, SuffixRows rows, Span<float> keys, Span<float> values)
    {
        int r = rows.Rows, qWidth = _heads * _headDim;
        using var qBuffer = new Scratch(r * qWidth);
        var q = qBuffer.Span;
        QueriesKeysValues(kernels, x, rows, q, keys, values);
        using var contextBuffer = new Scratch(r * qWidth);
        var context = contextBuffer.Span;
        AppendedRowsAttention.Forward(kernels, q, keys, values, context, rows.Start, r, _heads, _kvHeads, _headDim, _scale, rows.KeyMask, rows.Window, _softCap);
        _o.Forward(kernels, context, output, r);
    }

    /// <summary>The keys and values of the R rows of the normed input <paramref name="x"/> into rows Start… of the cache arrays.</summary>
    public void KeyValues(IKernels kernels, ReadOnlySpan<float> x, SuffixRows rows, Span<float> keys, Span<float> values)
    {
        // A fused projection writes q anyway; separate ones skip it.
        using var qBuffer = new Scratch(_qkv is null ? 0 : rows.Rows * _heads * _headDim);
        QueriesKeysValues(kernels, x, rows, qBuffer.Span, keys, values, queries: false);
    }

    private void QueriesKeysValues(IKernels kernels, ReadOnlySpan<float> x, SuffixRows rows, Span<float> q, Span<float> keys, Span<float> values, bool queries = true)
    {
        int r = rows.Rows, kvWidth = _kvHeads * _headDim;
        Project(kernels, x, r, rows.RequireRope(), q, keys.Slice(rows.Start * kvWidth, r * kvWidth), values.Slice(rows.Start * kvWidth, r * kvWidth), queries);
    }
}
