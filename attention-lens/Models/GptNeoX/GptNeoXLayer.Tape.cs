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
    private sealed class LayerTape : ILayerTape
    {
        private readonly GptNeoXLayer _layer;
        private readonly float[] _bias;
        private readonly RopeTable _rope;
        private readonly int _batch, _tokens;
        private readonly KeptAttention _attention;
        private readonly Memory<float> _h, _inner;
        private ReadOnlyMemory<float> _x;

        public LayerTape(GptNeoXLayer layer, TapeArena arena, float[] bias, RopeTable rope, int batch, int tokens)
        {
            (_layer, _bias, _rope, _batch, _tokens) = (layer, bias, rope, batch, tokens);
            int rows = batch * tokens;
            _attention = layer._attention.Take(arena, batch, tokens);
            _h = layer._parallel ? Memory<float>.Empty : arena.Take(rows * layer._hidden);
            _inner = arena.Take(rows * layer._mlp.Inner);
        }

        public ReadOnlySpan<float> Probs => _attention.Probs.Span;

        public void Forward(IKernels kernels, ReadOnlyMemory<float> xMemory, Span<float> y)
        {
            var l = _layer;
            int rows = _batch * _tokens, n = rows * l._hidden;
            _x = xMemory[..n];
            var x = _x.Span;
            using var normedBuffer = new Scratch(n);
            using var attendedBuffer = new Scratch(n);
            Span<float> normed = normedBuffer.Span, attended = attendedBuffer.Span;
            l._inputNorm.Forward(kernels, x, normed, rows);
            l._attention.ForwardKept(kernels, _attention, normed, attended, _bias, _rope, _batch, _tokens);
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
        public void Backward(IKernels kernels, ReadOnlySpan<float> dy, Span<float> dx, Span<float> dProbs)
        {
            var l = _layer;
            int rows = _batch * _tokens, n = rows * l._hidden;
            using var dhBuffer = new Scratch(n);
            using var partBuffer = new Scratch(n);
            Span<float> dh = dhBuffer.Span, part = partBuffer.Span;
            l._mlp.BackwardKept(kernels, _inner.Span, dy[..n], part, rows);
            l._postNorm.Backward(l._parallel ? _x.Span : _h.Span, part, dh, rows);
            kernels.Add(dh, dy[..n]);
            l._attention.BackwardKept(kernels, _attention, l._parallel ? dy[..n] : dh, part, _rope, dProbs, _batch, _tokens);
            l._inputNorm.Backward(_x.Span, part, dx[..n], rows);
            kernels.Add(dx[..n], dh);
        }
    }
}
