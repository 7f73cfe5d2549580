using AttentionLens.Tensors;

namespace AttentionLens.Models.DebertaV2;

/// <summary>DeBERTa-v2 as a batched body with kept intermediates: embeddings per sequence, the layers over b·T rows
/// (disentangled attention per sequence), the embeddings' backward per sequence.</summary>
public sealed partial class DebertaV2Model : IBatchedDifferentiableBody
{
    long IBatchedDifferentiableBody.KeptFloatsPerSequence(int tokens) =>
        BatchTape.StateFloats(Info, tokens) + _layers.Sum(l => l.KeptFloats(tokens));

    BatchTape IBatchedDifferentiableBody.ForwardBatch(IKernels kernels, ForwardInput input, IReadOnlyList<float[]> embeds, TapeArena arena, bool attentions,
        CancellationToken cancellationToken)
    {
        int t = input.Length, b = embeds.Count;
        EncoderInputs.Check(input, Info.MaxPositions);
        if (input.AttentionMask is { } m && m.Length != t)
            throw new AttentionLensException($"attention mask has {m.Length} entries for {t} input ids; give one per token.");
        var tape = BatchTape.Begin(arena, Info, b, t, finalNorm: null);
        for (int s = 0; s < b; s++) _embeddings.Forward(kernels, input, tape.EmbeddedSequence(s), embeds[s]);
        var mask = PairwiseMask(input.AttentionMask, t);
        var positions = RelativePositions.Build(t, _config.PositionBuckets, _config.MaxRelativePositions);
        tape.Forward(kernels, (l, a) => _layers[l].Tape(a, mask, positions, b, t), attentions, cancellationToken);
        return tape;
    }

    float[] IBatchedDifferentiableBody.BackwardBatch(IKernels kernels, ForwardInput input, IReadOnlyList<float[]> embeds, BatchTape tape, float[] dLast,
        float[]? gradAttentions, CancellationToken cancellationToken)
    {
        int t = input.Length, c = Info.HiddenSize, e = _embeddings.EmbeddingSize;
        var dy = tape.Backward(kernels, dLast, gradAttentions, cancellationToken);
        var dWords = new float[embeds.Count * t * e];
        for (int s = 0; s < embeds.Count; s++)
            _embeddings.Backward(kernels, input, embeds[s], dy.AsSpan(s * t * c, t * c), dWords.AsSpan(s * t * e, t * e));
        GradientRunner.CheckLayer(dWords, -1);
        return dWords;
    }
}
