using AttentionLens.Tensors;

namespace AttentionLens.Models.Phi;

/// <summary><see cref="PhiDecoderLayer"/> over a batch with kept intermediates.</summary>
public sealed partial class PhiDecoderLayer : ITapedRotaryLayer
{
    ILayerTape ITapedRotaryLayer.Tape(TapeArena arena, float[] bias, RopeTable rope, int batch, int tokens) => new LayerTape(this, arena, bias, rope, batch, tokens);

    /// <summary>The attention's kept tensors and fc1's output (T·F); x is a kept hidden state.</summary>
    long ITapedRotaryLayer.KeptFloats(int tokens) => _attention.KeptFloats(tokens) + (long)tokens * _mlp.Inner;

    /// <summary>y = attn(n) + mlp(n) + x, n = ln(x), over b·T rows; kept: x (by reference), the attention's
    /// <see cref="RotaryAttention.Kept"/> and fc1's output — what <see cref="Backward"/> recomputes.</summary>
    private sealed class LayerTape : DecoderLayerTape<PhiDecoderLayer>
    {
        private readonly RopeTable _rope;
        private readonly RotaryAttention.Kept _attention;
        private readonly Memory<float> _inner;

        public LayerTape(PhiDecoderLayer layer, TapeArena arena, float[] bias, RopeTable rope, int batch, int tokens)
            : base(layer, bias, batch, tokens, layer._hidden)
        {
            _rope = rope;
            _attention = layer._attention.Take(arena, batch, tokens);
            _inner = arena.Take(Rows * layer._mlp.Inner);
        }

        public override ReadOnlySpan<float> Probs => _attention.Probs.Span;

        protected override void ForwardKept(IKernels kernels, ReadOnlySpan<float> x, Span<float> y)
        {
            var l = Layer;
            int rows = Rows, n = StateLength;
            using var normedBuffer = new Scratch(n);
            using var attendedBuffer = new Scratch(n);
            Span<float> normed = normedBuffer.Span, attended = attendedBuffer.Span;
            l._norm.Forward(kernels, x, normed, rows);
            l._attention.ForwardKept(kernels, _attention, normed, attended, Bias, _rope, Batch, Tokens);
            l._mlp.ForwardKept(kernels, normed, y, _inner.Span, rows);
            // transformers: attn_outputs + feed_forward_hidden_states + residual, left to right (as the forward).
            kernels.Add(attended, y[..n]);
            attended.CopyTo(y);
            kernels.Add(y[..n], x);
        }

        /// <summary>dx = dy + lnᵀ(attentionᵀ dy + mlpᵀ dy), from the kept values.</summary>
        public override void Backward(IKernels kernels, ReadOnlySpan<float> dy, Span<float> dx, Span<float> dProbs)
        {
            var l = Layer;
            int rows = Rows, n = StateLength;
            using var dnBuffer = new Scratch(n);
            using var partBuffer = new Scratch(n);
            Span<float> dn = dnBuffer.Span, part = partBuffer.Span;
            l._attention.BackwardKept(kernels, _attention, dy[..n], dn, _rope, dProbs, Batch, Tokens);
            l._mlp.BackwardKept(kernels, _inner.Span, dy[..n], part, rows);
            kernels.Add(dn, part);
            l._norm.Backward(X, dn, dx[..n], rows);
            kernels.Add(dx[..n], dy[..n]);
        }
    }
}
