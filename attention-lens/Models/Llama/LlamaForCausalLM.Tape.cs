using AttentionLens.Tensors;

namespace AttentionLens.Models.Llama;

/// <summary>LLaMA, Mistral and Qwen2 as a batched body with kept intermediates: the given embedding rows, the layers
/// over b·T rows and the final RMSNorm (<see cref="BatchTape"/>); ∂/∂inputs_embeds is ∂/∂(hidden state 0).</summary>
public sealed partial class LlamaForCausalLM : IBatchedDifferentiableBody
{
    long IBatchedDifferentiableBody.KeptFloatsPerSequence(int tokens) =>
        BatchTape.StateFloats(Info, tokens) + _layers.Sum(l => l.KeptFloats(tokens));

    BatchTape IBatchedDifferentiableBody.ForwardBatch(IKernels kernels, ForwardInput input, IReadOnlyList<float[]> embeds, TapeArena arena, bool attentions,
        CancellationToken cancellationToken)
    {
        int t = input.Length, b = embeds.Count;
        if (t > Info.MaxPositions) throw new AttentionLensException($"the input has {t} tokens; this model allows at most {Info.MaxPositions} (max_position_embeddings).");
        var rope = new RopeTable(t, Info.HeadDim, 0, _inverseFrequencies);
        var bias = SlidingWindowMask.CausalOrPadding(input.AttentionMask, t, _slidingWindow);
        var tape = BatchTape.Begin(arena, Info, b, t, _norm);
        for (int s = 0; s < b; s++) _embed.LookupOrGiven(input.InputIds, embeds[s], tape.EmbeddedSequence(s));
        tape.Forward(kernels, (l, a) => _layers[l].Tape(a, bias, rope, b, t), attentions, cancellationToken);
        return tape;
    }

    float[] IBatchedDifferentiableBody.BackwardBatch(IKernels kernels, ForwardInput input, IReadOnlyList<float[]> embeds, BatchTape tape, float[] dLast,
        float[]? gradAttentions, CancellationToken cancellationToken) =>
        tape.Backward(kernels, dLast, gradAttentions, cancellationToken);
}
