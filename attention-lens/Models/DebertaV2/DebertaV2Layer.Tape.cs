using AttentionLens.Tensors;

namespace AttentionLens.Models.DebertaV2;

/// <summary><see cref="DebertaV2Layer"/> over a batch with kept intermediates.</summary>
public sealed partial class DebertaV2Layer
{
    internal ILayerTape Tape(TapeArena arena, float[] mask, int[] positions, int batch, int tokens) => new LayerTape(this, arena, mask, positions, batch, tokens);

    /// <summary>q, k, v, s₁, s₂ (5·T·C), W₁'s output (T·F) and P (H·T²) per sequence, as <see cref="PostNormEncoderTape"/>.</summary>
    /// <summary>The layer's part after attention (BERT's, <see cref="PostNormSublayers"/>).</summary>
    private PostNormSublayers Sublayers => new(_attentionOutput.Dense, _attentionOutput.Norm, _intermediate, _output.Dense, _output.Norm, _activation);

    internal long KeptFloats(int tokens) => PostNormEncoderTape.KeptFloats(tokens, _hidden, _ffn, _attention.Heads);

    /// <summary>
    /// The post-norm layer over b·T rows with the disentangled attention per sequence: q, k, v projected once over
    /// all rows and kept with P, s₁ = x + O c, s₂ and the pre-activation — what <see cref="Backward"/> recomputes
    /// (and where it projects q, k, v twice).
    /// </summary>
    private sealed class LayerTape : ILayerTape
    {
        private readonly DebertaV2Layer _layer;
        private readonly float[] _mask;
        private readonly int[] _positions;
        private readonly int _batch, _tokens;
        private readonly Memory<float> _q, _k, _v, _probs, _s1, _s2, _inner;

        public LayerTape(DebertaV2Layer layer, TapeArena arena, float[] mask, int[] positions, int batch, int tokens)
        {
            (_layer, _mask, _positions, _batch, _tokens) = (layer, mask, positions, batch, tokens);
            int rows = batch * tokens, n = rows * layer._hidden;
            _q = arena.Take(n);
            _k = arena.Take(n);
            _v = arena.Take(n);
            _probs = arena.Take(batch * layer._attention.Heads * tokens * tokens);
            _s1 = arena.Take(n);
            _s2 = arena.Take(n);
            _inner = arena.Take(rows * layer._ffn);
        }

        public ReadOnlySpan<float> Probs => _probs.Span;

        public void Forward(IKernels kernels, ReadOnlyMemory<float> xMemory, Span<float> y)
        {
            var l = _layer;
            var a = l._attention;
            int t = _tokens, rows = _batch * t, n = rows * l._hidden, tc = t * l._hidden, block = a.Heads * t * t;
            var x = xMemory.Span[..n];
            Span<float> q = _q.Span, k = _k.Span, v = _v.Span, probs = _probs.Span;
            a.Query.Forward(kernels, x, q, rows);
            a.Key.Forward(kernels, x, k, rows);
            a.Value.Forward(kernels, x, v, rows);
            using (var contextBuffer = new Scratch(n))
            {
                var context = contextBuffer.Span;
                for (int s = 0; s < _batch; s++)
                    a.Attend(kernels, q.Slice(s * tc, tc), k.Slice(s * tc, tc), v.Slice(s * tc, tc), _mask, _positions, probs.Slice(s * block, block),
                        context.Slice(s * tc, tc), t);
                l.Sublayers.Forward(kernels, x, context, _s1.Span, _s2.Span, _inner.Span, y, rows);
            }
        }

        /// <summary>As <see cref="DebertaV2Layer.Backward"/>, from the kept values.</summary>
        public void Backward(IKernels kernels, ReadOnlySpan<float> dy, Span<float> dx, Span<float> dProbs)
        {
            var l = _layer;
            var a = l._attention;
            int t = _tokens, rows = _batch * t, n = rows * l._hidden, tc = t * l._hidden, block = a.Heads * t * t;
            var ds1 = dx[..n];
            using var dContextBuffer = new Scratch(n);
            var dContext = dContextBuffer.Span;
            l.Sublayers.Backward(kernels, _s1.Span, _s2.Span, _inner.Span, dy, ds1, dContext, rows);
            using var dqBuffer = new Scratch(n);
            using var dkBuffer = new Scratch(n);
            using var dvBuffer = new Scratch(n);
            Span<float> dq = dqBuffer.Span, dk = dkBuffer.Span, dv = dvBuffer.Span;
            for (int s = 0; s < _batch; s++)
                a.BackwardScores(kernels, _q.Span.Slice(s * tc, tc), _k.Span.Slice(s * tc, tc), _v.Span.Slice(s * tc, tc), _probs.Span.Slice(s * block, block),
                    dContext.Slice(s * tc, tc), _positions, dProbs.Slice(s * block, block), dq.Slice(s * tc, tc), dk.Slice(s * tc, tc), dv.Slice(s * tc, tc), t);
            QkvSelfAttentionBackward.AddProjections(kernels, a.Query, a.Key, a.Value, dq, dk, dv, ds1, rows);
        }
    }
}
