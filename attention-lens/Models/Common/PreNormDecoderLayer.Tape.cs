using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary><see cref="PreNormDecoderLayer"/> (Gemma, Phi-3) over a batch with kept intermediates.</summary>
public abstract partial class PreNormDecoderLayer : ITapedRotaryLayer
{
    ILayerTape ITapedRotaryLayer.Tape(TapeArena arena, float[] bias, RopeTable rope, int batch, int tokens) => new LayerTape(this, arena, bias, rope, batch, tokens);

    /// <summary>The attention's kept tensors, h = x + attention (T·C), gate and up (2·T·F).</summary>
    long ITapedRotaryLayer.KeptFloats(int tokens) => _attention.KeptFloats(tokens) + (long)tokens * (_hidden + 2 * _mlp.Inner);

    /// <summary>
    /// h = x + attn(norm₁(x)), y = h + mlp(norm₂(h)) over b·T rows; kept: x (by reference), the attention's
    /// <see cref="RotaryAttention.Kept"/>, h, gate and up — what <see cref="Backward"/> recomputes.
    /// </summary>
    private sealed class LayerTape : DecoderLayerTape<PreNormDecoderLayer>
    {
        private readonly RopeTable _rope;
        private readonly RotaryAttention.Kept _attention;
        private readonly Memory<float> _h, _gate, _up;

        public LayerTape(PreNormDecoderLayer layer, TapeArena arena, float[] bias, RopeTable rope, int batch, int tokens)
            : base(layer, bias, batch, tokens, layer._hidden)
        {
            _rope = rope;
            _attention = layer._attention.Take(arena, batch, tokens);
            _h = arena.Take(Rows * layer._hidden);
            _gate = arena.Take(Rows * layer._mlp.Inner);
            _up = arena.Take(Rows * layer._mlp.Inner);
        }

        public override ReadOnlySpan<float> Probs => _attention.Probs.Span;

        protected override void ForwardKept(IKernels kernels, ReadOnlySpan<float> x, Span<float> y)
        {
            var l = Layer;
            var h = _h.Span;
            using var normedBuffer = new Scratch(StateLength);
            var normed = normedBuffer.Span;
            l._inputNorm.Forward(kernels, x, normed, Rows);
            l._attention.ForwardKept(kernels, _attention, normed, h, Bias, _rope, Batch, Tokens);
            kernels.Add(h, x);
            l._postNorm.Forward(kernels, h, normed, Rows);
            l._mlp.ForwardKept(kernels, normed, y, _gate.Span, _up.Span, Rows);
            kernels.Add(y[..StateLength], h);
        }

        /// <summary>dh = dy + norm₂ᵀ(mlpᵀ dy), dx = dh + norm₁ᵀ(attentionᵀ dh), from the kept values.</summary>
        public override void Backward(IKernels kernels, ReadOnlySpan<float> dy, Span<float> dx, Span<float> dProbs)
        {
            var l = Layer;
            int rows = Rows, n = StateLength;
            using var dnBuffer = new Scratch(n);
            using var dhBuffer = new Scratch(n);
            Span<float> dn = dnBuffer.Span, dh = dhBuffer.Span;
            l._mlp.BackwardKept(kernels, _gate.Span, _up.Span, dy[..n], dn, rows);
            l._postNorm.Backward(_h.Span, dn, dh, rows);
            kernels.Add(dh, dy[..n]);
            l._attention.BackwardKept(kernels, _attention, dh, dn, _rope, dProbs, Batch, Tokens);
            l._inputNorm.Backward(X, dn, dx[..n], rows);
            kernels.Add(dx[..n], dh);
        }
    }
}
