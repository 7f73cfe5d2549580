using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// The rotary decoder families as a batched body with kept intermediates when every layer has a tape
/// (<see cref="ITapedRotaryLayer"/>: Gemma's and Phi-3's <see cref="PreNormDecoderLayer"/>, GPT-NeoX's, Phi's and
/// OLMo-2's layers); a layer class without one would leave its body on the recompute path.
/// </summary>
public abstract partial class RotaryDecoderModel : IBatchedDifferentiableBody
{
    bool IBatchedDifferentiableBody.KeepsIntermediates => _layers.All(l => l is ITapedRotaryLayer);

    long IBatchedDifferentiableBody.KeptFloatsPerSequence(int tokens) =>
        BatchTape.StateFloats(Info, tokens) + _layers.Sum(l => ((ITapedRotaryLayer)l).KeptFloats(tokens));

    BatchTape IBatchedDifferentiableBody.ForwardBatch(IKernels kernels, ForwardInput input, IReadOnlyList<float[]> embeds, TapeArena arena, bool attentions,
        CancellationToken cancellationToken)
    {
        int t = input.Length, b = embeds.Count;
        if (t > Info.MaxPositions) throw new AttentionLensException($"the input has {t} tokens; this model allows at most {Info.MaxPositions}.");
        var rope = Rope(t);
        var bias = Mask(input.AttentionMask, t);
        var tape = BatchTape.Begin(arena, Info, b, t, _finalNorm);
        for (int s = 0; s < b; s++) ScaleGiven(embeds[s], t, tape.EmbeddedSequence(s));
        tape.Forward(kernels, (l, a) => ((ITapedRotaryLayer)_layers[l]).Tape(a, bias, rope, b, t), attentions, cancellationToken);
        return tape;
    }

    /// <summary>∂/∂inputs_embeds = ∂/∂h₀ times the embedding scale (Gemma's √hidden_size).</summary>
    float[] IBatchedDifferentiableBody.BackwardBatch(IKernels kernels, ForwardInput input, IReadOnlyList<float[]> embeds, BatchTape tape, float[] dLast,
        float[]? gradAttentions, CancellationToken cancellationToken)
    {
        var dy = tape.Backward(kernels, dLast, gradAttentions, cancellationToken);
        float scale = EmbeddingScale;
        if (scale != 1f)
            for (int i = 0; i < dy.Length; i++) dy[i] *= scale;
        return dy;
    }
}
