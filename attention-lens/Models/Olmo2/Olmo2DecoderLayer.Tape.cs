using AttentionLens.Tensors;

namespace AttentionLens.Models.Olmo2;

/// <summary><see cref="Olmo2DecoderLayer"/> over a batch with kept intermediates.</summary>
public sealed partial class Olmo2DecoderLayer : ITapedRotaryLayer
{
    ILayerTape ITapedRotaryLayer.Tape(TapeArena arena, float[] bias, RopeTable rope, int batch, int tokens) => new LayerTape(this, arena, bias, rope, batch, tokens);

    /// <summary>The attention's kept tensors (q and k before and after their norms), a and m (2·T·C), gate and up (2·T·F).</summary>
    long ITapedRotaryLayer.KeptFloats(int tokens) => _attention.KeptFloats(tokens) + 2L * tokens * (_hidden + _mlp.Inner);

    /// <summary>
    /// a = attn(x), h = norm_a(a) + x, m = mlp(h), y = norm_m(m) + h over b·T rows; kept: the attention's
    /// <see cref="RotaryAttention.Kept"/>, a, m, gate and up — what <see cref="Backward"/> recomputes.
    /// </summary>
    private sealed class LayerTape : DecoderLayerTape<Olmo2DecoderLayer>
    {
        private readonly RopeTable _rope;
        private readonly RotaryAttention.Kept _attention;
        private readonly Memory<float> _a, _m, _gate, _up;

        public LayerTape(Olmo2DecoderLayer layer, TapeArena arena, float[] bias, RopeTable rope, int batch, int tokens)
            : base(layer, bias, batch, tokens, layer._hidden)
        {
            _rope = rope;
            _attention = layer._attention.Take(arena, batch, tokens);
            _a = arena.Take(Rows * layer._hidden);
            _m = arena.Take(Rows * layer._hidden);
            _gate = arena.Take(Rows * layer._mlp.Inner);
            _up = arena.Take(Rows * layer._mlp.Inner);
        }

        public override ReadOnlySpan<float> Probs => _attention.Probs.Span;

        protected override void ForwardKept(IKernels kernels, ReadOnlySpan<float> x, Span<float> y)
        {
            var l = Layer;
            using var hBuffer = new Scratch(StateLength);
            var h = hBuffer.Span;
            l._attention.ForwardKept(kernels, _attention, x, _a.Span, Bias, _rope, Batch, Tokens);
            l._postAttentionNorm.Forward(kernels, _a.Span, h, Rows);
            kernels.Add(h, x);
            l._mlp.ForwardKept(kernels, h, _m.Span, _gate.Span, _up.Span, Rows);
            l._postFeedForwardNorm.Forward(kernels, _m.Span, y, Rows);
            kernels.Add(y[..StateLength], h);
        }

        /// <summary>dm = norm_mᵀ dy, dh = dy + mlpᵀ dm, dx = dh + attentionᵀ(norm_aᵀ dh), from the kept values.</summary>
        public override void Backward(IKernels kernels, ReadOnlySpan<float> dy, Span<float> dx, Span<float> dProbs)
        {
            var l = Layer;
            int rows = Rows, n = StateLength;
            using var dmBuffer = new Scratch(n);
            using var dhBuffer = new Scratch(n);
            Span<float> dm = dmBuffer.Span, dh = dhBuffer.Span;
            l._postFeedForwardNorm.Backward(_m.Span, dy[..n], dm, rows);
            l._mlp.BackwardKept(kernels, _gate.Span, _up.Span, dm, dh, rows);
            kernels.Add(dh, dy[..n]);
            var da = dm; // dm is no longer read
            l._postAttentionNorm.Backward(_a.Span, dh, da, rows);
            l._attention.BackwardKept(kernels, _attention, da, dx[..n], _rope, dProbs, Batch, Tokens);
            kernels.Add(dx[..n], dh);
        }
    }
}
