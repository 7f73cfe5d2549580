using AttentionLens.Tensors;

namespace AttentionLens.Models.Gemma2;

/// <summary>Gemma 2 as a batched body with kept intermediates: the given rows times √hidden, the layers (each with its
/// global or sliding-window mask) over b·T rows and the final norm; ∂/∂inputs_embeds = √hidden · ∂/∂h₀.</summary>
public sealed partial class Gemma2Model : IBatchedDifferentiableBody
{
    long IBatchedDifferentiableBody.KeptFloatsPerSequence(int tokens) =>
        BatchTape.StateFloats(Info, tokens) + _layers.Sum(l => l.KeptFloats(tokens));

    BatchTape IBatchedDifferentiableBody.ForwardBatch(IKernels kernels, ForwardInput input, IReadOnlyList<float[]> embeds, TapeArena arena, bool attentions,
        CancellationToken cancellationToken)
    {
        int t = input.Length, c = Info.HiddenSize, b = embeds.Count;
        if (t > Info.MaxPositions) throw new AttentionLensException($"the input has {t} tokens; this model allows at most {Info.MaxPositions}.");
        var rope = new RopeTable(t, Info.HeadDim, 0, _inverseFrequencies);
        var global = SlidingWindowMask.CausalOrPadding(input.AttentionMask, t, null);
        var local = _slidingWindow is null ? global : SlidingWindowMask.CausalOrPadding(input.AttentionMask, t, _slidingWindow);
        var tape = BatchTape.Begin(arena, Info, b, t, _norm);
        float normalizer = (float)Math.Sqrt(c);
        for (int s = 0; s < b; s++)
        {
            var h0 = tape.EmbeddedSequence(s);
            Embed.LookupOrGiven(input.InputIds, embeds[s], h0);
            for (int i = 0; i < h0.Length; i++) h0[i] *= normalizer;
        }
        tape.Forward(kernels, (l, a) => _layers[l].Tape(a, _layers[l].IsSliding ? local : global, rope, b, t), attentions, cancellationToken);
        return tape;
    }

    float[] IBatchedDifferentiableBody.BackwardBatch(IKernels kernels, ForwardInput input, IReadOnlyList<float[]> embeds, BatchTape tape, float[] dLast,
        float[]? gradAttentions, CancellationToken cancellationToken)
    {
        var dy = tape.Backward(kernels, dLast, gradAttentions, cancellationToken);
        float normalizer = (float)Math.Sqrt(Info.HiddenSize);
        for (int i = 0; i < dy.Length; i++) dy[i] *= normalizer;
        return dy;
    }
}
