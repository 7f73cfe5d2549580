using AttentionLens.Tensors;

namespace AttentionLens.Models.DistilBert;

/// <summary>DistilBERT as a batched body with kept intermediates: word + position rows and the embedding LayerNorm per
/// b·T rows, the blocks (<see cref="BatchTape"/>), then the LayerNorm's backward at the kept sums.</summary>
public sealed partial class DistilBertModel : IBatchedDifferentiableBody
{
    long IBatchedDifferentiableBody.KeptFloatsPerSequence(int tokens) =>
        BatchTape.StateFloats(Info, tokens) + _layers.Sum(l => l.KeptFloats(tokens));

    BatchTape IBatchedDifferentiableBody.ForwardBatch(IKernels kernels, ForwardInput input, IReadOnlyList<float[]> embeds, TapeArena arena, bool attentions,
        CancellationToken cancellationToken)
    {
        int t = input.Length, c = Info.HiddenSize, b = embeds.Count;
        if (t > Info.MaxPositions) throw new AttentionLensException($"the input has {t} tokens; this model allows at most {Info.MaxPositions}.");
        var tape = BatchTape.Begin(arena, Info, b, t, finalNorm: null);
        using (var sumBuffer = new Scratch(b * t * c))
        {
            var sum = Sums(input, embeds, sumBuffer.Span);
            _norm.Forward(kernels, sum, tape.Embedded, b * t);
        }
        var bias = AttentionMasks.Padding(input.AttentionMask, t);
        tape.Forward(kernels, (l, a) => _layers[l].Tape(a, bias, b, t), attentions, cancellationToken);
        return tape;
    }

    float[] IBatchedDifferentiableBody.BackwardBatch(IKernels kernels, ForwardInput input, IReadOnlyList<float[]> embeds, BatchTape tape, float[] dLast,
        float[]? gradAttentions, CancellationToken cancellationToken)
    {
        int t = input.Length, c = Info.HiddenSize, b = embeds.Count;
        var dy = tape.Backward(kernels, dLast, gradAttentions, cancellationToken);
        using var sumBuffer = new Scratch(b * t * c);
        var dWords = new float[b * t * c];
        _norm.Backward(Sums(input, embeds, sumBuffer.Span), dy, dWords, b * t);
        GradientRunner.CheckLayer(dWords, -1);
        return dWords;
    }

    /// <summary>word rows + position rows of every sequence, (b, T, C).</summary>
    private Span<float> Sums(ForwardInput input, IReadOnlyList<float[]> embeds, Span<float> sum)
    {
        int t = input.Length, c = Info.HiddenSize;
        var positions = Enumerable.Range(0, t).ToArray();
        for (int s = 0; s < embeds.Count; s++)
        {
            var rows = sum.Slice(s * t * c, t * c);
            _word.LookupOrGiven(input.InputIds, embeds[s], rows);
            _position.Lookup(positions, rows, accumulate: true);
        }
        return sum;
    }
}
