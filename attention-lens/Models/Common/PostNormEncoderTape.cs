using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// The post-norm encoder layer (BERT and the families on its layer, ALBERT, DistilBERT) over b sequences with
/// its intermediates kept (<see cref="ILayerTape"/>): q = W_Q x, k = W_K x, v = W_V x over b·T rows, c =
/// softmax(s·q kᵀ + bias) v per sequence (Vaswani et al. 2017, eq. 1), s₁ = x + O c, a = LN₁(s₁),
/// s₂ = a + W₂ act(W₁ a), y = LN₂(s₂). Kept: q, k, v, P, s₁, s₂ and the pre-activation W₁ a — what the backward of
/// <see cref="PostNormLayerBackward"/> and <see cref="QkvSelfAttentionBackward"/> reads, which those recompute
/// instead. Per sequence of T tokens: 5·T·C + T·F + H·T² floats.
/// </summary>
internal sealed class PostNormEncoderTape : ILayerTape
{
    private readonly Linear _query, _key, _value;
    private readonly PostNormSublayers _sublayers;
    private readonly int _heads, _batch, _tokens;
    private readonly bool _scaleQuery;
    private readonly float[] _bias;
    private readonly Memory<float> _q, _k, _v, _probs, _s1, _s2, _inner;

    /// <param name="bias">(T, T) the additive mask, the same for every sequence.</param>
    /// <param name="scaleQuery">DistilBERT scales q before the product (as its forward and <see cref="QkvSelfAttentionBackward.Recompute"/>).</param>
    public PostNormEncoderTape(TapeArena arena, Linear query, Linear key, Linear value, Linear dense, LayerNorm norm1, Linear intermediate, Linear output,
        LayerNorm norm2, Activation activation, int heads, float[] bias, int batch, int tokens, bool scaleQuery = false)
    {
        (_query, _key, _value, _heads, _bias, _batch, _tokens, _scaleQuery) = (query, key, value, heads, bias, batch, tokens, scaleQuery);
        _sublayers = new PostNormSublayers(dense, norm1, intermediate, output, norm2, activation);
        int n = batch * tokens * dense.OutFeatures;
        _q = arena.Take(n);
        _k = arena.Take(n);
        _v = arena.Take(n);
        _probs = arena.Take(batch * heads * tokens * tokens);
        _s1 = arena.Take(n);
        _s2 = arena.Take(n);
        _inner = arena.Take(batch * tokens * intermediate.OutFeatures);
    }

    /// <summary>Floats one sequence keeps (see the class summary).</summary>
    public static long KeptFloats(int tokens, int hidden, int ffn, int heads) => 5L * tokens * hidden + (long)tokens * ffn + (long)heads * tokens * tokens;

    public ReadOnlySpan<float> Probs => _probs.Span;

    public void Forward(IKernels kernels, ReadOnlyMemory<float> xMemory, Span<float> y)
    {
        int t = _tokens, rows = _batch * t, c = _sublayers.Dense.OutFeatures, n = rows * c, d = c / _heads, tc = t * c, block = _heads * t * t;
        var x = xMemory.Span[..n];
        Span<float> q = _q.Span, k = _k.Span, v = _v.Span, probs = _probs.Span;
        _query.Forward(kernels, x, q, rows);
        _key.Forward(kernels, x, k, rows);
        _value.Forward(kernels, x, v, rows);
        using var contextBuffer = new Scratch(n);
        var context = contextBuffer.Span;
        for (int s = 0; s < _batch; s++)
            kernels.Attention(q.Slice(s * tc, tc), k.Slice(s * tc, tc), v.Slice(s * tc, tc), _bias, probs.Slice(s * block, block), context.Slice(s * tc, tc),
                t, _heads, _heads, d, 1f / MathF.Sqrt(d), scaleQuery: _scaleQuery);
        _sublayers.Forward(kernels, x, context, _s1.Span, _s2.Span, _inner.Span, y, rows);
    }

    /// <summary>ds₂ = LN₂ᵀ dy; da = ds₂ + W₁ᵀ(act′ ⊙ W₂ᵀ ds₂); ds₁ = LN₁ᵀ da; dc = Oᵀ ds₁; then per sequence
    /// <see cref="AttentionBackward"/> to dq, dk, dv, dP; dx = ds₁ + W_Qᵀdq + W_Kᵀdk + W_Vᵀdv.</summary>
    public void Backward(IKernels kernels, ReadOnlySpan<float> dy, Span<float> dx, Span<float> dProbs)
    {
        int t = _tokens, rows = _batch * t, c = _sublayers.Dense.OutFeatures, n = rows * c, d = c / _heads;
        var ds1 = dx[..n];
        using var dContextBuffer = new Scratch(n);
        var dContext = dContextBuffer.Span;
        _sublayers.Backward(kernels, _s1.Span, _s2.Span, _inner.Span, dy, ds1, dContext, rows);
        using var dqBuffer = new Scratch(n);
        using var dkBuffer = new Scratch(n);
        using var dvBuffer = new Scratch(n);
        Span<float> dq = dqBuffer.Span, dk = dkBuffer.Span, dv = dvBuffer.Span;
        AttentionBackward.Batch(kernels, _q.Span, _k.Span, _v.Span, _probs.Span, dContext, dProbs, dq, dk, dv, _batch, t, _heads, _heads, d, 1f / MathF.Sqrt(d));
        QkvSelfAttentionBackward.AddProjections(kernels, _query, _key, _value, dq, dk, dv, ds1, rows);
    }
}
