using AttentionLens.Tensors;

namespace AttentionLens.Models.Gpt2;

/// <summary><see cref="Gpt2Block"/> over a batch with kept intermediates (<see cref="ILayerTape"/>).</summary>
public sealed partial class Gpt2Block
{
    internal ILayerTape Tape(TapeArena arena, float[] bias, int batch, int tokens) => new BlockTape(this, arena, bias, batch, tokens);

    /// <summary>Floats one sequence keeps: q, k, v, h (4·T·C), the MLP pre-activation (T·F) and P (H·T²); x is a kept hidden state.</summary>
    internal long KeptFloats(int tokens) => 4L * tokens * _hidden + (long)tokens * _inner + (long)_heads * tokens * tokens;

    /// <summary>
    /// h = x + c_proj(attn(ln_1(x))), y = h + c_proj(act(c_fc(ln_2(h)))) over b·T rows, attention per sequence; kept:
    /// x (by reference), q, k, v, P, h and c_fc's output — what <see cref="Backward"/> recomputes.
    /// </summary>
    private sealed class BlockTape : DecoderLayerTape<Gpt2Block>
    {
        private readonly Memory<float> _q, _k, _v, _probs, _h, _inner;

        public BlockTape(Gpt2Block block, TapeArena arena, float[] bias, int batch, int tokens)
            : base(block, bias, batch, tokens, block._hidden)
        {
            int n = StateLength;
            _q = arena.Take(n);
            _k = arena.Take(n);
            _v = arena.Take(n);
            _probs = arena.Take(batch * block._heads * tokens * tokens);
            _h = arena.Take(n);
            _inner = arena.Take(batch * tokens * block._inner);
        }

        public override ReadOnlySpan<float> Probs => _probs.Span;

        protected override void ForwardKept(IKernels kernels, ReadOnlySpan<float> x, Span<float> y)
        {
            var g = Layer;
            int t = Tokens, rows = Rows, c = g._hidden, n = StateLength, tc = t * c, block = g._heads * t * t, d = c / g._heads;
            Span<float> q = _q.Span, k = _k.Span, v = _v.Span, probs = _probs.Span, h = _h.Span, inner = _inner.Span;
            using var normedBuffer = new Scratch(n);
            var normed = normedBuffer.Span;
            g._ln1.Forward(kernels, x, normed, rows);
            g.Project(kernels, normed, q, k, v, rows);
            using (var contextBuffer = new Scratch(n))
            {
                var context = contextBuffer.Span;
                for (int s = 0; s < Batch; s++)
                    kernels.Attention(q.Slice(s * tc, tc), k.Slice(s * tc, tc), v.Slice(s * tc, tc), Bias, probs.Slice(s * block, block),
                        context.Slice(s * tc, tc), t, g._heads, g._heads, d, 1f / g._divisor);
                g._attnProj.Forward(kernels, context, h, rows);
            }
            kernels.Add(h, x);
            g._ln2.Forward(kernels, h, normed, rows);
            g._cFc.Forward(kernels, normed, inner, rows);
            using var actBuffer = new Scratch(inner.Length);
            var act = actBuffer.Span;
            inner.CopyTo(act);
            kernels.Activate(act, g._activation);
            g._mlpProj.Forward(kernels, act, y, rows);
            kernels.Add(y[..n], h);
        }

        /// <summary>As <see cref="Gpt2Block.Backward"/>, from the kept values, over b·T rows (attention per sequence).</summary>
        public override void Backward(IKernels kernels, ReadOnlySpan<float> dy, Span<float> dx, Span<float> dProbs)
        {
            var g = Layer;
            int t = Tokens, rows = Rows, c = g._hidden, n = StateLength, tc = t * c, block = g._heads * t * t, d = c / g._heads;
            using var dhBuffer = new Scratch(n);
            var dh = dhBuffer.Span;
            using var dnBuffer = new Scratch(n);
            var dn = dnBuffer.Span;
            using (var dInnerBuffer = new Scratch(_inner.Length))
            {
                var dInner = dInnerBuffer.Span;
                g._mlpProj.Backward(kernels, dy[..n], dInner, rows);
                kernels.ActivateBackward(_inner.Span, dInner, g._activation);
                g._cFc.Backward(kernels, dInner, dn, rows);
            }
            g._ln2.Backward(_h.Span, dn, dh, rows);
            kernels.Add(dh, dy[..n]);

            var dContext = dn; // dn₂ is no longer read
            g._attnProj.Backward(kernels, dh, dContext, rows);
            using var dqkvBuffer = new Scratch(3 * n);
            var dqkv = dqkvBuffer.Span;
            using (var dqBuffer = new Scratch(n))
            using (var dkBuffer = new Scratch(n))
            using (var dvBuffer = new Scratch(n))
            {
                Span<float> dq = dqBuffer.Span, dk = dkBuffer.Span, dv = dvBuffer.Span;
                AttentionBackward.Batch(kernels, _q.Span, _k.Span, _v.Span, _probs.Span, dContext, dProbs, dq, dk, dv, Batch, t, g._heads, g._heads, d, 1f / g._divisor);
                for (int r = 0; r < rows; r++)
                {
                    var row = dqkv.Slice(r * 3 * c, 3 * c);
                    dq.Slice(r * c, c).CopyTo(row);
                    dk.Slice(r * c, c).CopyTo(row.Slice(c));
                    dv.Slice(r * c, c).CopyTo(row.Slice(2 * c));
                }
            }
            var dn1 = dn; // dcontext is no longer read
            g._cAttn.Backward(kernels, dqkv, dn1, rows);
            g._ln1.Backward(X, dn1, dx[..n], rows);
            kernels.Add(dx[..n], dh);
        }
    }
}
