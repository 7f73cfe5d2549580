using AttentionLens.Tensors;

namespace AttentionLens.Models.Phi;

public sealed partial class PhiDecoderLayer : ISuffixDecoderLayer
{
    /// <summary><see cref="Forward"/> of the R rows after a cached prefix: y = attn(ln(x)) + mlp(ln(x)) + x.</summary>
    public void ForwardRows(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, SuffixRows rows, Span<float> keys, Span<float> values)
    {
        int n = rows.Rows * _hidden;
        using var normedBuffer = new Scratch(n);
        using var attendedBuffer = new Scratch(n);
        Span<float> normed = normedBuffer.Span, attended = attendedBuffer.Span;
        _norm.Forward(kernels, x, normed, rows.Rows);
        _attention.ForwardRows(kernels, normed, attended, rows, keys, values);
        _mlp.Forward(kernels, normed, y, rows.Rows);
        // transformers: attn_outputs + feed_forward_hidden_states + residual, left to right.
        kernels.Add(attended, y[..n]);
        attended.CopyTo(y);
        kernels.Add(y[..n], x);
    }

    public void KeyValues(IKernels kernels, ReadOnlySpan<float> x, SuffixRows rows, Span<float> keys, Span<float> values) =>
        ISuffixAttention.NormedKeyValues(kernels, _norm, _attention, x, rows, _hidden, keys, values);
}
