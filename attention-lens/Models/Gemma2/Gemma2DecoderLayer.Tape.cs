using AttentionLens.Tensors;

namespace AttentionLens.Models.Gemma2;

/// <summary><see cref="Gemma2DecoderLayer"/> (sandwich norms, soft-capped attention) over a batch with kept intermediates.</summary>
public sealed partial class Gemma2DecoderLayer
{
    internal ILayerTape Tape(TapeArena arena, float[] bias, RopeTable rope, int batch, int tokens) => new LayerTape(this, arena, bias, rope, batch, tokens);

    /// <summary>The attention's kept tensors, b, h and m (3·T·C), gate and up (2·T·F); x is a kept hidden state.</summary>
    internal long KeptFloats(int tokens) => _attention.KeptFloats(tokens) + (long)tokens * (3 * _hidden + 2 * _mlp.Inner);

    /// <summary>
    /// a = in(x), b = attn(a), h = post_attn(b) + x, m = mlp(pre_ff(h)), y = post_ff(m) + h over b·T rows; kept:
    /// x (by reference), the attention's <see cref="RotaryAttention.Kept"/>, b, h, m, gate and up.
    /// </summary>
    private sealed class LayerTape : DecoderLayerTape<Gemma2DecoderLayer>
    {
        private readonly RopeTable _rope;
        private readonly RotaryAttention.Kept _attention;
        private readonly Memory<float> _b, _h, _m, _gate, _up;

        public LayerTape(Gemma2DecoderLayer layer, TapeArena arena, float[] bias, RopeTable rope, int batch, int tokens)
            : base(layer, bias, batch, tokens, layer._hidden)
        {
            _rope = rope;
            _attention = layer._attention.Take(arena, batch, tokens);
            _b = arena.Take(StateLength);
            _h = arena.Take(StateLength);
            _m = arena.Take(StateLength);
            _gate = arena.Take(Rows * layer._mlp.Inner);
            _up = arena.Take(Rows * layer._mlp.Inner);
        }

        public override ReadOnlySpan<float> Probs => _attention.Probs.Span;

        protected override void ForwardKept(IKernels kernels, ReadOnlySpan<float> x, Span<float> y)
        {
            var l = Layer;
            int rows = Rows;
            Span<float> b = _b.Span, h = _h.Span, m = _m.Span;
            using var aBuffer = new Scratch(StateLength);
            var a = aBuffer.Span;
            l._inputNorm.Forward(kernels, x, a, rows);
            l._attention.ForwardKept(kernels, _attention, a, b, Bias, _rope, Batch, Tokens);
            l._postAttentionNorm.Forward(kernels, b, h, rows);
            kernels.Add(h, x);
            l._preFeedForwardNorm.Forward(kernels, h, a, rows);
            l._mlp.ForwardKept(kernels, a, m, _gate.Span, _up.Span, rows);
            l._postFeedForwardNorm.Forward(kernels, m, y, rows);
            kernels.Add(y[..StateLength], h);
        }

        /// <summary>dm = post_ffᵀ dy, dh = dy + pre_ffᵀ(mlpᵀ dm), db = post_attnᵀ dh, dx = dh + inᵀ(attentionᵀ db), from the kept values.</summary>
        public override void Backward(IKernels kernels, ReadOnlySpan<float> dy, Span<float> dx, Span<float> dProbs)
        {
            var l = Layer;
            int rows = Rows, n = StateLength;
            using var dmBuffer = new Scratch(n);
            using var partBuffer = new Scratch(n);
            using var dhBuffer = new Scratch(n);
            Span<float> dm = dmBuffer.Span, part = partBuffer.Span, dh = dhBuffer.Span;
            l._postFeedForwardNorm.Backward(_m.Span, dy[..n], dm, rows);
            l._mlp.BackwardKept(kernels, _gate.Span, _up.Span, dm, part, rows);
            l._preFeedForwardNorm.Backward(_h.Span, part, dh, rows);
            kernels.Add(dh, dy[..n]);
            l._postAttentionNorm.Backward(_b.Span, dh, dm, rows);
            l._attention.BackwardKept(kernels, _attention, dm, part, _rope, dProbs, Batch, Tokens);
            l._inputNorm.Backward(X, part, dx[..n], rows);
            kernels.Add(dx[..n], dh);
        }
    }
}
