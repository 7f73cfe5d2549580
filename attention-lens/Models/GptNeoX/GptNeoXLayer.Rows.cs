using AttentionLens.Tensors;

namespace AttentionLens.Models.GptNeoX;

public sealed partial class GptNeoXLayer : ISuffixDecoderLayer
{
    /// <summary><see cref="Forward"/> of the R rows after a cached prefix, parallel or sequential residual alike.</summary>
    public void ForwardRows(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, SuffixRows rows, Span<float> keys, Span<float> values)
    {
        int n = rows.Rows * _hidden;
        using var normedBuffer = new Scratch(n);
        using var attendedBuffer = new Scratch(n);
        Span<float> normed = normedBuffer.Span, attended = attendedBuffer.Span;
        _inputNorm.Forward(kernels, x, normed, rows.Rows);
        _attention.ForwardRows(kernels, normed, attended, rows, keys, values);
        if (_parallel)
        {
            // y = mlp(ln₂(x)) + attn(ln₁(x)) + x, summed in the full forward's order.
            _postNorm.Forward(kernels, x, normed, rows.Rows);
            _mlp.Forward(kernels, normed, y, rows.Rows);
            kernels.Add(y[..n], attended);
            kernels.Add(y[..n], x);
        }
        else
        {
            kernels.Add(attended, x);
            _postNorm.Forward(kernels, attended, normed, rows.Rows);
            _mlp.Forward(kernels, normed, y, rows.Rows);
            kernels.Add(y[..n], attended);
        }
    }

    public void KeyValues(IKernels kernels, ReadOnlySpan<float> x, SuffixRows rows, Span<float> keys, Span<float> values) =>
        ISuffixAttention.NormedKeyValues(kernels, _inputNorm, _attention, x, rows, _hidden, keys, values);
}
