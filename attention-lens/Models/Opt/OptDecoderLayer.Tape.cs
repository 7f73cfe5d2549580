using AttentionLens.Tensors;

namespace AttentionLens.Models.Opt;

/// <summary><see cref="OptDecoderLayer"/> (pre- or post-norm) over a batch with kept intermediates.</summary>
public sealed partial class OptDecoderLayer
{
    internal ILayerTape Tape(TapeArena arena, float[] bias, int batch, int tokens) => new LayerTape(this, arena, bias, batch, tokens);

    /// <summary>The attention's q, k, v, P; the residual sums the norms' backward reads (2·T·C); fc1's output (T·F).</summary>
    internal long KeptFloats(int tokens) => _attention.KeptFloats(tokens) + (long)tokens * (2 * _hidden + _mlp.Inner);

    /// <summary>
    /// Pre-norm: h = x + attn(ln_a(x)), y = h + mlp(ln_f(h)); kept x (by reference), h. Post-norm: s₁ = x + attn(x),
    /// h = ln_a(s₁), s₂ = h + mlp(h), y = ln_f(s₂); kept s₁, s₂. Both keep the attention's tensors and fc1's output.
    /// </summary>
    private sealed class LayerTape : DecoderLayerTape<OptDecoderLayer>
    {
        private readonly KeptAttention _attention;
        private readonly Memory<float> _first, _second, _inner;

        public LayerTape(OptDecoderLayer layer, TapeArena arena, float[] bias, int batch, int tokens)
            : base(layer, bias, batch, tokens, layer._hidden)
        {
            _attention = layer._attention.Take(arena, batch, tokens);
            _first = arena.Take(StateLength);
            _second = arena.Take(StateLength);
            _inner = arena.Take(Rows * layer._mlp.Inner);
        }

        public override ReadOnlySpan<float> Probs => _attention.Probs.Span;

        protected override void ForwardKept(IKernels kernels, ReadOnlySpan<float> x, Span<float> y)
        {
            var l = Layer;
            int rows = Rows, n = StateLength;
            using var aBuffer = new Scratch(n);
            var a = aBuffer.Span;
            if (l._preNorm)
            {
                var h = _first.Span;
                l._attentionNorm.Forward(kernels, x, a, rows);
                l._attention.ForwardKept(kernels, _attention, a, h, Bias, Batch, Tokens);
                kernels.Add(h, x);
                l._finalNorm.Forward(kernels, h, a, rows);
                l._mlp.ForwardKept(kernels, a, y, _inner.Span, rows);
                kernels.Add(y[..n], h);
            }
            else
            {
                Span<float> s1 = _first.Span, s2 = _second.Span;
                l._attention.ForwardKept(kernels, _attention, x, s1, Bias, Batch, Tokens);
                kernels.Add(s1, x);
                l._attentionNorm.Forward(kernels, s1, a, rows);   // a = h
                l._mlp.ForwardKept(kernels, a, s2, _inner.Span, rows);
                kernels.Add(s2, a);
                l._finalNorm.Forward(kernels, s2, y, rows);
            }
        }

        /// <summary>As <see cref="OptDecoderLayer.Backward"/>, from the kept values.</summary>
        public override void Backward(IKernels kernels, ReadOnlySpan<float> dy, Span<float> dx, Span<float> dProbs)
        {
            var l = Layer;
            int rows = Rows, n = StateLength;
            using var gBuffer = new Scratch(n);
            using var partBuffer = new Scratch(n);
            Span<float> g = gBuffer.Span, part = partBuffer.Span;
            if (l._preNorm)
            {
                l._mlp.BackwardKept(kernels, _inner.Span, dy[..n], part, rows);
                l._finalNorm.Backward(_first.Span, part, g, rows);
                kernels.Add(g, dy[..n]);                                   // g = dh
                l._attention.BackwardKept(kernels, _attention, g, part, dProbs, Batch, Tokens);
                l._attentionNorm.Backward(X, part, dx[..n], rows);
                kernels.Add(dx[..n], g);
            }
            else
            {
                l._finalNorm.Backward(_second.Span, dy[..n], g, rows);     // g = ds₂
                l._mlp.BackwardKept(kernels, _inner.Span, g, part, rows);
                kernels.Add(part, g);                                      // part = dh
                l._attentionNorm.Backward(_first.Span, part, g, rows);     // g = ds₁
                l._attention.BackwardKept(kernels, _attention, g, dx[..n], dProbs, Batch, Tokens);
                kernels.Add(dx[..n], g);
            }
        }
    }
}
