using AttentionLens.Tensors;

namespace AttentionLens.Models.Opt;

/// <summary>OPT as a batched body with kept intermediates: each sequence's embedding rows (project_in, learned positions)
/// as the forward makes them, the layers over b·T rows and final_layer_norm when pre-norm; then project_inᵀ.</summary>
public sealed partial class OptModel : IBatchedDifferentiableBody
{
    long IBatchedDifferentiableBody.KeptFloatsPerSequence(int tokens) =>
        BatchTape.StateFloats(Info, tokens) + _layers.Sum(l => l.KeptFloats(tokens));

    BatchTape IBatchedDifferentiableBody.ForwardBatch(IKernels kernels, ForwardInput input, IReadOnlyList<float[]> embeds, TapeArena arena, bool attentions,
        CancellationToken cancellationToken)
    {
        int t = input.Length, b = embeds.Count;
        if (t > Info.MaxPositions) throw new AttentionLensException($"the input has {t} tokens; this model allows at most {Info.MaxPositions}.");
        var bias = AttentionMasks.CausalOrPadding(input.AttentionMask, t);
        var tape = BatchTape.Begin(arena, Info, b, t, _finalNorm);
        for (int s = 0; s < b; s++) EmbedTokens(kernels, input, tape.EmbeddedSequence(s), embeds[s]);
        tape.Forward(kernels, (l, a) => _layers[l].Tape(a, bias, b, t), attentions, cancellationToken);
        return tape;
    }

    float[] IBatchedDifferentiableBody.BackwardBatch(IKernels kernels, ForwardInput input, IReadOnlyList<float[]> embeds, BatchTape tape, float[] dLast,
        float[]? gradAttentions, CancellationToken cancellationToken)
    {
        var dy = tape.Backward(kernels, dLast, gradAttentions, cancellationToken);
        if (_projectIn is null) return dy;
        var dWords = new float[embeds.Count * input.Length * Embed.Dim];
        _projectIn.Backward(kernels, dy, dWords, embeds.Count * input.Length);
        return dWords;
    }
}
