using AttentionLens.Tensors;

namespace AttentionLens.Models.Llama;

/// <summary><see cref="LlamaDecoderLayer"/> over a batch with kept intermediates (<see cref="ILayerTape"/>).</summary>
public sealed partial class LlamaDecoderLayer
{
    internal ILayerTape Tape(TapeArena arena, float[] bias, RopeTable rope, int batch, int tokens) => new LayerTape(this, arena, bias, rope, batch, tokens);

    /// <summary>Floats one sequence keeps: q and k after RoPE, v, h = x + attention (T·(H·D + 2·H_kv·D + C)), gate and
    /// up (2·T·F) and P (H·T²); x is a kept hidden state.</summary>
    internal long KeptFloats(int tokens)
    {
        var a = _attention;
        return (long)tokens * (a.HeadCount * a.HeadDim + 2 * a.KvHeads * a.HeadDim + _hidden + 2 * _inner) + (long)a.HeadCount * tokens * tokens;
    }

    /// <summary>
    /// h = x + o(attn(RoPE(q), RoPE(k), v)) of rms₁(x), y = h + down(silu(gate(n₂)) ⊙ up(n₂)), n₂ = rms₂(h), over b·T
    /// rows, RoPE and attention per sequence. Kept: x (by reference), q, k, v, P, h, gate, up — what
    /// <see cref="Backward"/> and <see cref="LlamaAttention.Backward"/> recompute.
    /// </summary>
    private sealed class LayerTape : DecoderLayerTape<LlamaDecoderLayer>
    {
        private readonly RopeTable _rope;
        private readonly Memory<float> _q, _k, _v, _probs, _h, _gate, _up;

        public LayerTape(LlamaDecoderLayer layer, TapeArena arena, float[] bias, RopeTable rope, int batch, int tokens)
            : base(layer, bias, batch, tokens, layer._hidden)
        {
            _rope = rope;
            var a = layer._attention;
            int rows = Rows;
            _q = arena.Take(rows * a.HeadCount * a.HeadDim);
            _k = arena.Take(rows * a.KvHeads * a.HeadDim);
            _v = arena.Take(rows * a.KvHeads * a.HeadDim);
            _probs = arena.Take(batch * a.HeadCount * tokens * tokens);
            _h = arena.Take(rows * layer._hidden);
            _gate = arena.Take(rows * layer._inner);
            _up = arena.Take(rows * layer._inner);
        }

        public override ReadOnlySpan<float> Probs => _probs.Span;

        protected override void ForwardKept(IKernels kernels, ReadOnlySpan<float> x, Span<float> y)
        {
            var l = Layer;
            var a = l._attention;
            int t = Tokens, rows = Rows, n = StateLength, heads = a.HeadCount, kv = a.KvHeads, d = a.HeadDim;
            int qs = t * heads * d, ks = t * kv * d, block = heads * t * t;
            Span<float> q = _q.Span, k = _k.Span, v = _v.Span, probs = _probs.Span, h = _h.Span, gate = _gate.Span, up = _up.Span;
            using var normedBuffer = new Scratch(n);
            var normed = normedBuffer.Span;
            l._inputNorm.Forward(kernels, x, normed, rows);
            a.Query.Forward(kernels, normed, q, rows);
            a.Key.Forward(kernels, normed, k, rows);
            a.Value.Forward(kernels, normed, v, rows);
            using (var contextBuffer = new Scratch(rows * heads * d))
            {
                var context = contextBuffer.Span;
                for (int s = 0; s < Batch; s++)
                {
                    kernels.Rope(q.Slice(s * qs, qs), t, heads, d, _rope);
                    kernels.Rope(k.Slice(s * ks, ks), t, kv, d, _rope);
                    kernels.Attention(q.Slice(s * qs, qs), k.Slice(s * ks, ks), v.Slice(s * ks, ks), Bias, probs.Slice(s * block, block),
                        context.Slice(s * qs, qs), t, heads, kv, d, 1f / MathF.Sqrt(d));
                }
                a.Output.Forward(kernels, context, h, rows);
            }
            kernels.Add(h, x);
            l._postNorm.Forward(kernels, h, normed, rows);
            l._gate.Forward(kernels, normed, gate, rows);
            l._up.Forward(kernels, normed, up, rows);
            using var actBuffer = new Scratch(gate.Length);
            var act = actBuffer.Span;
            gate.CopyTo(act);
            kernels.SiluMultiply(act, up);
            l._down.Forward(kernels, act, y, rows);
            kernels.Add(y[..n], h);
        }

        /// <summary>As <see cref="LlamaDecoderLayer.Backward"/> and <see cref="LlamaAttention.Backward"/>, from the kept values.</summary>
        public override void Backward(IKernels kernels, ReadOnlySpan<float> dy, Span<float> dx, Span<float> dProbs)
        {
            var l = Layer;
            var a = l._attention;
            int t = Tokens, rows = Rows, n = StateLength, f = rows * l._inner, heads = a.HeadCount, kv = a.KvHeads, d = a.HeadDim;
            using var dn2Buffer = new Scratch(n);
            var dn2 = dn2Buffer.Span;
            using var partBuffer = new Scratch(n);
            var part = partBuffer.Span;
            using (var dgBuffer = new Scratch(f))
            using (var dGateBuffer = new Scratch(f))
            using (var dUpBuffer = new Scratch(f))
            {
                l._down.Backward(kernels, dy[..n], dgBuffer.Span, rows);
                ActivationBackward.SiluMultiply(_gate.Span, _up.Span, dgBuffer.Span, dGateBuffer.Span, dUpBuffer.Span);
                l._gate.Backward(kernels, dGateBuffer.Span, dn2, rows);
                l._up.Backward(kernels, dUpBuffer.Span, part, rows);
            }
            kernels.Add(dn2, part);
            using var dhBuffer = new Scratch(n);
            var dh = dhBuffer.Span;
            l._postNorm.Backward(_h.Span, dn2, dh, rows);
            kernels.Add(dh, dy[..n]);

            using var dContextBuffer = new Scratch(rows * heads * d);
            var dContext = dContextBuffer.Span;
            a.Output.Backward(kernels, dh, dContext, rows);
            using var dqBuffer = new Scratch(rows * heads * d);
            using var dkBuffer = new Scratch(rows * kv * d);
            using var dvBuffer = new Scratch(rows * kv * d);
            Span<float> dq = dqBuffer.Span, dk = dkBuffer.Span, dv = dvBuffer.Span;
            AttentionBackward.Batch(kernels, _q.Span, _k.Span, _v.Span, _probs.Span, dContext, dProbs, dq, dk, dv, Batch, t, heads, kv, d, 1f / MathF.Sqrt(d));
            RopeBackward.ApplySequences(dq, Batch, t, heads, d, d, _rope);
            RopeBackward.ApplySequences(dk, Batch, t, kv, d, d, _rope);
            var dn1 = dn2; // dn₂ is no longer read
            QkvSelfAttentionBackward.Projections(kernels, a.Query, a.Key, a.Value, dq, dk, dv, dn1, rows);
            l._inputNorm.Backward(X, dn1, dx[..n], rows);
            kernels.Add(dx[..n], dh);
        }
    }
}
