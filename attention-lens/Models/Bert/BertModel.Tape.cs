using AttentionLens.Tensors;

namespace AttentionLens.Models.Bert;

/// <summary>BERT (RoBERTa, XLM-R) as a batched body with kept intermediates: embeddings per sequence, the encoder
/// over b·T rows (<see cref="BatchTape"/>), the embeddings' backward per sequence.</summary>
public sealed partial class BertModel : IBatchedDifferentiableBody
{
    long IBatchedDifferentiableBody.KeptFloatsPerSequence(int tokens) =>
        BatchTape.StateFloats(Info, tokens) + _encoder.KeptFloats(tokens);

    BatchTape IBatchedDifferentiableBody.ForwardBatch(IKernels kernels, ForwardInput input, IReadOnlyList<float[]> embeds, TapeArena arena, bool attentions,
        CancellationToken cancellationToken)
    {
        int t = input.Length, b = embeds.Count;
        if (t > Info.MaxPositions)
            throw new AttentionLensException($"the input has {t} tokens; this model's position embeddings allow at most {Info.MaxPositions}.");
        if (input.TokenTypeIds is { } types && types.Length != t)
            throw new AttentionLensException($"{types.Length} token type ids for {t} input ids; give one per token.");
        var positions = Positions(input);
        var bias = AttentionMasks.Padding(input.AttentionMask, t);
        var tape = BatchTape.Begin(arena, Info, b, t, finalNorm: null);
        _embeddings.ForwardBatch(kernels, input, positions, embeds, tape.Embedded);
        tape.Forward(kernels, (l, a) => _encoder.LayerTape(l, a, bias, b, t), attentions, cancellationToken);
        return tape;
    }

    float[] IBatchedDifferentiableBody.BackwardBatch(IKernels kernels, ForwardInput input, IReadOnlyList<float[]> embeds, BatchTape tape, float[] dLast,
        float[]? gradAttentions, CancellationToken cancellationToken)
    {
        var dh0 = tape.Backward(kernels, dLast, gradAttentions, cancellationToken);
        return _embeddings.BackwardBatch(input, Positions(input), embeds, dh0);
    }

    private int[] Positions(ForwardInput input) =>
        _robertaPaddingIdx is int pad ? Roberta.RobertaPositionIds.FromInputIds(input.InputIds, pad) : Enumerable.Range(0, input.Length).ToArray();
}
