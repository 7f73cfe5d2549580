using AttentionLens.Tensors;

namespace AttentionLens.Models.Opt;

public sealed partial class OptDecoderLayer : ISuffixDecoderLayer
{
    /// <summary><see cref="Forward"/> of the R rows after a cached prefix, pre-norm or post-norm alike.</summary>
    public void ForwardRows(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, SuffixRows rows, Span<float> keys, Span<float> values)
    {
        int r = rows.Rows, n = r * _hidden;
        using var aBuffer = new Scratch(n);
        using var bBuffer = new Scratch(n);
        Span<float> a = aBuffer.Span, b = bBuffer.Span;
        if (_preNorm)
        {
            _attentionNorm.Forward(kernels, x, a, r);
            _attention.ForwardRows(kernels, a, b, rows, keys, values);
            kernels.Add(b, x);                       // b = h
            _finalNorm.Forward(kernels, b, a, r);
            _mlp.Forward(kernels, a, y, r);
            kernels.Add(y[..n], b);
        }
        else
        {
            _attention.ForwardRows(kernels, x, b, rows, keys, values);
            kernels.Add(b, x);
            _attentionNorm.Forward(kernels, b, a, r);   // a = h
            _mlp.Forward(kernels, a, b, r);
            kernels.Add(b, a);
            _finalNorm.Forward(kernels, b, y, r);
        }
    }

    /// <summary>k and v read ln_a(x) (pre-norm) or x itself (post-norm).</summary>
    public void KeyValues(IKernels kernels, ReadOnlySpan<float> x, SuffixRows rows, Span<float> keys, Span<float> values)
    {
        if (!_preNorm)
        {
            _attention.KeyValues(kernels, x, rows, keys, values);
            return;
        }
        ISuffixAttention.NormedKeyValues(kernels, _attentionNorm, _attention, x, rows, _hidden, keys, values);
    }
}
