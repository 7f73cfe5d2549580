using AttentionLens.Tensors;

namespace AttentionLens.Models.Gpt2;

/// <summary>GPT-2 as a batched body with kept intermediates: wte rows given + wpe (+ token types) per sequence, the
/// blocks over b·T rows and ln_f (<see cref="BatchTape"/>); ∂/∂inputs_embeds is ∂/∂(hidden state 0).</summary>
public sealed partial class Gpt2LMHeadModel : IBatchedDifferentiableBody
{
    long IBatchedDifferentiableBody.KeptFloatsPerSequence(int tokens) =>
        BatchTape.StateFloats(Info, tokens) + _blocks.Sum(b => b.KeptFloats(tokens));

    BatchTape IBatchedDifferentiableBody.ForwardBatch(IKernels kernels, ForwardInput input, IReadOnlyList<float[]> embeds, TapeArena arena, bool attentions,
        CancellationToken cancellationToken)
    {
        int t = input.Length, b = embeds.Count;
        if (t > Info.MaxPositions) throw new AttentionLensException($"the input has {t} tokens; this model allows at most {Info.MaxPositions} (n_positions).");
        if (input.TokenTypeIds is { } types && types.Length != t)
            throw new AttentionLensException($"{types.Length} token type ids for {t} input ids; give one per token.");
        var bias = AttentionMasks.CausalThenPadding(input.AttentionMask, t);
        var positions = Enumerable.Range(0, t).ToArray();
        var tape = BatchTape.Begin(arena, Info, b, t, _lnF);
        for (int s = 0; s < b; s++)
        {
            var h = tape.EmbeddedSequence(s);
            _wte.LookupOrGiven(input.InputIds, embeds[s], h);
            _wpe.Lookup(positions, h, accumulate: true);
            if (input.TokenTypeIds is { } typeIds) _wte.Lookup(typeIds, h, accumulate: true);
        }
        tape.Forward(kernels, (l, a) => _blocks[l].Tape(a, bias, b, t), attentions, cancellationToken);
        return tape;
    }

    float[] IBatchedDifferentiableBody.BackwardBatch(IKernels kernels, ForwardInput input, IReadOnlyList<float[]> embeds, BatchTape tape, float[] dLast,
        float[]? gradAttentions, CancellationToken cancellationToken) =>
        tape.Backward(kernels, dLast, gradAttentions, cancellationToken);
}
