using AttentionLens.Tensors;

namespace AttentionLens.Models.GptNeoX;

/// <summary><see cref="GptNeoXLayer"/> (parallel or sequential residual) over a batch with kept intermediates.</summary>
public sealed partial class GptNeoXLayer : ITapedRotaryLayer
{
    ILayerTape ITapedRotaryLayer.Tape(TapeArena arena, float[] bias, RopeTable rope, int batch, int tokens) => new LayerTape(this, arena, bias, rope, batch, tokens);

    /// <summary>The attention's kept tensors, h = x + attention when sequential (T·C), the MLP pre-activation (T·F).</summary>
    long ITapedRotaryLayer.KeptFloats(int tokens) => _attention.KeptFloats(tokens) + (long)tokens * ((_parallel ? 0 : _hidden) + _mlp.Inner);

    /// <summary>Kept: x (by reference), the attention's q, k, v, P, h (sequential) and dense_h_to_4h's output — what
    /// <see cref="Backward"/> recomputes.</summary>
    private sealed class LayerTape : DecoderLayerTape<GptNeoXLayer>
    {
        private readonly RopeTable _rope;
        private readonly KeptAttention _attention;
        private readonly Memory<float> _h, _inner;

        public LayerTape(GptNeoXLayer layer, TapeArena arena, float[] bias, RopeTable rope, int batch, int tokens)
            : base(layer, bias, batch, tokens, layer._hidden)
        {
            _rope = rope;
            _attention = layer._attention.Take(arena, batch, tokens);
            _h = layer._parallel ? Memory<float>.Empty : arena.Take(StateLength);
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
            l._inputNorm.Forward(kernels, x, normed, rows);
            l._attention.ForwardKept(kernels, _attention, normed, attended, Bias, _rope, Batch, Tokens);
            if (l._parallel)
            {
                l._postNorm.Forward(kernels, x, normed, rows);
                l._mlp.ForwardKept(kernels, normed, y, _inner.Span, rows);
                kernels.Add(y[..n], attended);
                kernels.Add(y[..n], x);
            }
            else
            {
                var h = _h.Span;
                attended.CopyTo(h);
                kernels.Add(h, x);
                l._postNorm.Forward(kernels, h, normed, rows);
                l._mlp.ForwardKept(kernels, normed, y, _inner.Span, rows);
                kernels.Add(y[..n], h);
            }
        }

        /// <summary>As <see cref="GptNeoXLayer.Backward"/>, from the kept values.</summary>
        public override void Backward(IKernels kernels, ReadOnlySpan<float> dy, Span<float> dx, Span<float> dProbs)
        {
            var l = Layer;
            int rows = Rows, n = StateLength;
            using var dhBuffer = new Scratch(n);
            using var partBuffer = new Scratch(n);
            Span<float> dh = dhBuffer.Span, part = partBuffer.Span;
            l._mlp.BackwardKept(kernels, _inner.Span, dy[..n], part, rows);
            l._postNorm.Backward(l._parallel ? X : _h.Span, part, dh, rows);
            kernels.Add(dh, dy[..n]);
            l._attention.BackwardKept(kernels, _attention, l._parallel ? dy[..n] : dh, part, _rope, dProbs, Batch, Tokens);
            l._inputNorm.Backward(X, part, dx[..n], rows);
            kernels.Add(dx[..n], dh);
        }
    }
}
