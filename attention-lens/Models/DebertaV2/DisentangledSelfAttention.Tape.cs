using AttentionLens.Tensors;

namespace AttentionLens.Models.DebertaV2;

/// <summary><see cref="DisentangledSelfAttention"/> from kept q, k, v and P (a layer's tape projects b·T rows once and keeps them; <see cref="Attend"/> runs the scores per sequence).</summary>
public sealed partial class DisentangledSelfAttention
{
    internal Linear Query => _query;
    internal Linear Key => _key;
    internal Linear Value => _value;

    /// <summary><see cref="Backward"/> of one sequence from its kept q, k, v and P, up to dq, dk, dv (the projections'
    /// backward is the caller's, over b·T rows).</summary>
    internal void BackwardScores(IKernels kernels, ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> probs,
        ReadOnlySpan<float> dContext, int[] positions, Span<float> dProbs, Span<float> dq, Span<float> dk, Span<float> dv, int tokens)
    {
        int t = tokens, c = _hidden, d = c / _heads, rows = 2 * _span;
        float inverse = 1f / _scale;
        AttentionBackward.Backward(kernels, q, k, v, probs, dContext, dProbs, dq, dk, dv, t, _heads, _heads, d, inverse);
        if (!_relative || (_posKey is null && _posQuery is null)) return;
        using var dsBuffer = new Scratch(t * t);
        using var tableBuffer = new Scratch(t * rows);
        using var prBuffer = new Scratch(rows * d);
        using var partBuffer = new Scratch(t * d);
        Span<float> ds = dsBuffer.Span, table = tableBuffer.Span, part = partBuffer.Span;
        for (int h = 0; h < _heads; h++)
        {
            SoftmaxBackward.Rows(probs.Slice(h * t * t, t * t), dProbs.Slice(h * t * t, t * t), ds, t, t);
            if (_posKey is not null)
            {
                Scatter(ds, positions, t, rows, inverse, byKey: false, table);
                GatherColumns(_posKey.Value, prBuffer.Span, rows, c, h * d, d);
                kernels.MatMul(table, prBuffer.Span, ReadOnlySpan<float>.Empty, part, t, rows, d);
                AddColumns(part, dq, t, c, h * d, d);
            }
            if (_posQuery is not null)
            {
                Scatter(ds, positions, t, rows, inverse, byKey: true, table);
                GatherColumns(_posQuery.Value, prBuffer.Span, rows, c, h * d, d);
                kernels.MatMul(table, prBuffer.Span, ReadOnlySpan<float>.Empty, part, t, rows, d);
                AddColumns(part, dk, t, c, h * d, d);
            }
        }
    }
}
