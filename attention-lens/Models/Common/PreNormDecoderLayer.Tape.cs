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
    private sealed class LayerTape : ILayerTape
    {
        private readonly PreNormDecoderLayer _layer;
        private readonly float[] _bias;
        private readonly RopeTable _rope;
        private readonly int _batch, _tokens;
        private readonly RotaryAttention.Kept _attention;
        private readonly Memory<float> _h, _gate, _up;
        private ReadOnlyMemory<float> _x;

        public LayerTape(PreNormDecoderLayer layer, TapeArena arena, float[] bias, RopeTable rope, int batch, int tokens)
        {
            (_layer, _bias, _rope, _batch, _tokens) = (layer, bias, rope, batch, tokens);
            int rows = batch * tokens;
            _attention = layer._attention.Take(arena, batch, tokens);
            _h = arena.Take(rows * layer._hidden);
            _gate = arena.Take(rows * layer._mlp.Inner);
            _up = arena.Take(rows * layer._mlp.Inner);
        }

        public ReadOnlySpan<float> Probs => _attention.Probs.Span;

        public void Forward(IKernels kernels, ReadOnlyMemory<float> xMemory, Span<float> y)
        {
            var l = _layer;
            int rows = _batch * _tokens, n = rows * l._hidden;
            _x = xMemory[..n];
            var x = _x.Span;
            var h = _h.Span;
            using var normedBuffer = new Scratch(n);
            var normed = normedBuffer.Span;
            l._inputNorm.Forward(kernels, x, normed, rows);
            l._attention.ForwardKept(kernels, _attention, normed, h, _bias, _rope, _batch, _tokens);
            kernels.Add(h, x);
            l._postNorm.Forward(kernels, h, normed, rows);
            l._mlp.ForwardKept(kernels, normed, y, _gate.Span, _up.Span, rows);
            kernels.Add(y[..n], h);
        }

        /// <summary>dh = dy + norm₂ᵀ(mlpᵀ dy), dx = dh + norm₁ᵀ(attentionᵀ dh), from the kept values.</summary>
        public void Backward(IKernels kernels, ReadOnlySpan<float> dy, Span<float> dx, Span<float> dProbs)
        {
            var l = _layer;
            int rows = _batch * _tokens, n = rows * l._hidden;
            using var dnBuffer = new Scratch(n);
            using var dhBuffer = new Scratch(n);
            Span<float> dn = dnBuffer.Span, dh = dhBuffer.Span;
            l._mlp.BackwardKept(kernels, _gate.Span, _up.Span, dy[..n], dn, rows);
            l._postNorm.Backward(_h.Span, dn, dh, rows);
            kernels.Add(dh, dy[..n]);
            l._attention.BackwardKept(kernels, _attention, dh, dn, _rope, dProbs, _batch, _tokens);
            l._inputNorm.Backward(_x.Span, dn, dx[..n], rows);
            kernels.Add(dx[..n], dh);
        }
    }
}
