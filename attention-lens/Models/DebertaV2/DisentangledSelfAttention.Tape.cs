using AttentionLens.Tensors;

namespace AttentionLens.Models.DebertaV2;

/// <summary><see cref="DisentangledSelfAttention"/> from given q, k, v (a layer's tape projects b·T rows once and keeps them).</summary>
public sealed partial class DisentangledSelfAttention
{
    internal Linear Query => _query;
    internal Linear Key => _key;
    internal Linear Value => _value;

    /// <summary>One sequence's probabilities and context from its projections, as <see cref="Forward"/> computes them
    /// after projecting: per head, the content scores plus the c2p and p2c terms (He et al. 2021, eq. 4).</summary>
    internal void Attend(IKernels kernels, ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> mask, int[] positions,
        Span<float> probs, Span<float> context, int tokens)
    {
        int t = tokens, c = _hidden, d = c / _heads, rows = 2 * _span;
        var posKey = _relative && _posKey is not null ? _posKey.Value : [];
        var posQuery = _relative && _posQuery is not null ? _posQuery.Value : [];
        using var qhBuffer = new Scratch(t * d);
        using var khBuffer = new Scratch(t * d);
        using var vhBuffer = new Scratch(t * d);
        using var prBuffer = new Scratch(rows * d);
        using var tableBuffer = new Scratch(t * rows);
        using var biasBuffer = new Scratch(t * t);
        using var headContextBuffer = new Scratch(t * d);
        Span<float> qh = qhBuffer.Span, kh = khBuffer.Span, vh = vhBuffer.Span, bias = biasBuffer.Span, headContext = headContextBuffer.Span;
        float inverse = 1f / _scale;
        for (int h = 0; h < _heads; h++)
        {
            Gather(q, qh, t, c, h * d, d);
            Gather(k, kh, t, c, h * d, d);
            Gather(v, vh, t, c, h * d, d);
            mask.CopyTo(bias);
            if (_relative && _posKey is not null)
            {
                Gather(posKey, prBuffer.Span, rows, c, h * d, d);
                kernels.MatMulTransposed(qh, prBuffer.Span, ReadOnlySpan<float>.Empty, tableBuffer.Span, t, d, rows);
                AddGathered(bias, tableBuffer.Span, positions, t, rows, inverse, byKey: false);
            }
            if (_relative && _posQuery is not null)
            {
                Gather(posQuery, prBuffer.Span, rows, c, h * d, d);
                kernels.MatMulTransposed(kh, prBuffer.Span, ReadOnlySpan<float>.Empty, tableBuffer.Span, t, d, rows);
                AddGathered(bias, tableBuffer.Span, positions, t, rows, inverse, byKey: true);
            }
            kernels.Attention(qh, kh, vh, bias, probs.Slice(h * t * t, t * t), headContext, t, 1, 1, d, inverse, false);
            for (int i = 0; i < t; i++) headContext.Slice(i * d, d).CopyTo(context.Slice(i * c + h * d, d));
        }
    }

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
