using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.DebertaV2;

/// <summary>
/// modeling_deberta_v2.py DisentangledSelfAttention (He et al. 2021, DeBERTa, eq. 4 with the v2 scale):
/// per head, with s = √(D · (1 + [c2p] + [p2c])) and r(i, j) = clamp(bucket(i − j) + k, 0, 2k − 1),
///   score(i, j) = q_i·k_j / s + q_i·K^r_{r(i,j)} / s  (c2p) + k_j·Q^r_{r(i,j)} / s  (p2c),
/// K^r, Q^r the relative embeddings projected by key_proj / query_proj (share_att_key) or by
/// pos_key_proj / pos_query_proj. (p2c gathers at −bucket(j − i) = bucket(i − j): the buckets are odd.)
/// Masked pairs (either token padding) are filled with the float32 minimum before the softmax.
/// </summary>
public sealed partial class DisentangledSelfAttention
{
    private readonly Linear _query;
    private readonly Linear _key;
    private readonly Linear _value;
    private readonly Lazy<float[]>? _posKey;
    private readonly Lazy<float[]>? _posQuery;
    private readonly bool _c2p;
    private readonly bool _p2c;
    private readonly bool _relative;
    private readonly int _heads;
    private readonly int _hidden;
    private readonly int _span;
    private readonly float _scale;

    private DisentangledSelfAttention(Linear query, Linear key, Linear value, Lazy<float[]>? posKey, Lazy<float[]>? posQuery, bool c2p, bool p2c, bool relative, int heads, int hidden, int span)
    {
        _query = query;
        _key = key;
        _value = value;
        _posKey = posKey;
        _posQuery = posQuery;
        _c2p = c2p;
        _p2c = p2c;
        _relative = relative;
        _heads = heads;
        _hidden = hidden;
        _span = span;
        int scaleFactor = 1 + (c2p ? 1 : 0) + (p2c ? 1 : 0);
        _scale = MathF.Sqrt((float)(hidden / heads) * scaleFactor);
    }

    /// <param name="relativeEmbeddings">(2k, C) the (normalised) relative embeddings; empty without relative attention.</param>
    public static DisentangledSelfAttention Load(IKernels kernels, WeightScope w, DebertaV2Config c, float[] relativeEmbeddings)
    {
        int h = c.HiddenSize;
        var query = Linear.Load(w.Scope("query_proj"), h, h);
        var key = Linear.Load(w.Scope("key_proj"), h, h);
        Lazy<float[]>? posKey = null, posQuery = null;
        if (c.RelativeAttention)
        {
            // K^r and Q^r depend only on weights, so they are projected once per model (on first use) rather
            // than on every call as transformers does: (2k, C) each, e.g. 1.5 MB per layer for deberta-v3-base.
            if (c.ContentToPosition)
                posKey = Project(kernels, c.ShareAttKey ? key : Linear.Load(w.Scope("pos_key_proj"), h, h), relativeEmbeddings);
            if (c.PositionToContent)
                posQuery = Project(kernels, c.ShareAttKey ? query : Linear.Load(w.Scope("pos_query_proj"), h, h), relativeEmbeddings);
        }
        return new DisentangledSelfAttention(query, key, Linear.Load(w.Scope("value_proj"), h, h), posKey, posQuery,
            c.ContentToPosition, c.PositionToContent, c.RelativeAttention, c.NumAttentionHeads, h, c.AttentionSpan);
    }

    private static Lazy<float[]> Project(IKernels kernels, Linear projection, float[] relativeEmbeddings) => new(() =>
    {
        int rows = relativeEmbeddings.Length / projection.InFeatures;
        var projected = new float[rows * projection.OutFeatures];
        projection.Forward(kernels, relativeEmbeddings, projected, rows);
        return projected;
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <param name="x">(T, C) layer input.</param>
    /// <param name="mask">(T, T) 0 or float.MinValue where query or key is padding.</param>
    /// <param name="positions">(T, T) bucketed relative positions.</param>
    /// <param name="probs">(H, T, T) receives the attention.</param>
    /// <param name="context">(T, C) receives the concatenated heads.</param>
    /// <param name="zeroValueToken">The token whose value vector is zeroed (value zeroing), or −1.</param>
    public void Forward(IKernels kernels, ReadOnlySpan<float> x, ReadOnlySpan<float> mask, int[] positions,
        Span<float> probs, Span<float> context, int tokens, IHeadProjection output, Span<float> valueOutputs, int zeroValueToken = -1)
    {
        int t = tokens, c = _hidden;
        using var qBuffer = new Scratch(t * c);
        using var kBuffer = new Scratch(t * c);
        using var vBuffer = new Scratch(t * c);
        var q = qBuffer.Span;
        var k = kBuffer.Span;
        var v = vBuffer.Span;
        _query.Forward(kernels, x, q, t);
        _key.Forward(kernels, x, k, t);
        _value.Forward(kernels, x, v, t);
        // Value zeroing: the token's value vector (bias included) is zero in every head; DeBERTa's
        // context is still Σ_j A_ij v_j (the relative positions enter the scores only).
        if (zeroValueToken >= 0) v.Slice(zeroValueToken * c, c).Clear();
        Attend(kernels, q, k, v, mask, positions, probs, context, t, output, valueOutputs);
    }

    /// <summary>One sequence's probabilities and context from its projections (<see cref="Forward"/> after projecting; a
    /// layer's tape projects b·T rows once and calls this per sequence): per head, the content scores plus the c2p and
    /// p2c terms (He et al. 2021, eq. 4); each head's value outputs f_h(x_j) into <paramref name="valueOutputs"/> when
    /// not empty.</summary>
    internal void Attend(IKernels kernels, ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> mask, int[] positions,
        Span<float> probs, Span<float> context, int tokens, IHeadProjection? output = null, Span<float> valueOutputs = default)
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
                // c2p[i, r] = q_i · K^r_r for every bucket r, then gathered at r(i, j).
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
            if (!valueOutputs.IsEmpty) output!.HeadForward(kernels, vh, h, valueOutputs.Slice(h * t * c, t * c), t);
        }
    }

    /// <summary>bias[i, j] += table[row, r(i, j)] / s, row = i (c2p, by query) or j (p2c, by key).
    /// Added to a masked entry (float.MinValue) it leaves the minimum, as masked_fill does.</summary>
    private void AddGathered(Span<float> bias, ReadOnlySpan<float> table, int[] positions, int t, int rows, float inverse, bool byKey)
    {
        for (int i = 0; i < t; i++)
            for (int j = 0; j < t; j++)
            {
                int r = Math.Clamp(positions[i * t + j] + _span, 0, rows - 1);
                int row = byKey ? j : i;
                bias[i * t + j] += table[row * rows + r] * inverse;
            }
    }

    /// <summary>Copies columns [offset, offset + d) of a (rows, c) matrix into a (rows, d) one.</summary>
    private static void Gather(ReadOnlySpan<float> source, Span<float> target, int rows, int c, int offset, int d)
    {
        for (int r = 0; r < rows; r++) source.Slice(r * c + offset, d).CopyTo(target.Slice(r * d, d));
    }
}
