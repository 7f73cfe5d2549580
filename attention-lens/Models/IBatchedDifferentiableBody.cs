using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// A differentiable body that can also run its gradient forward over a batch of b sequences of the same input ids
/// (each with its own <c>inputs_embeds</c>: integrated gradients' path points) keeping every layer's
/// intermediates (<see cref="ILayerTape"/>), so that its backward does not recompute them, and every GEMM sees
/// b·T rows. <see cref="GradientRunner"/> takes this path when <see cref="KeptFloatsPerSequence"/> fits
/// <see cref="GradientOptions.KeptActivationsBudgetBytes"/>, and the per-layer recompute of
/// <see cref="IDifferentiableBody.Backward"/> otherwise. Both give the same numbers (up to float rounding; tested).
/// </summary>
internal interface IBatchedDifferentiableBody : IDifferentiableBody
{
    /// <summary>False when this body has no tape after all (a family base class whose layers differ): the recompute path.</summary>
    bool KeepsIntermediates => true;

    /// <summary>Floats one sequence of T tokens keeps: all layers' tapes and the L + 1 hidden states.</summary>
    long KeptFloatsPerSequence(int tokens);

    /// <summary>
    /// The forward of <c>embeds.Count</c> sequences sharing <paramref name="input"/>'s ids, mask and types, from
    /// their (T, E) word embeddings; its <see cref="BatchTape.Last"/> is what a head reads. With
    /// <paramref name="attentions"/> (one sequence only) the tape also holds the (L, H, T, T) probabilities.
    /// </summary>
    BatchTape ForwardBatch(IKernels kernels, ForwardInput input, IReadOnlyList<float[]> embeds, TapeArena arena, bool attentions, CancellationToken cancellationToken);

    /// <summary>From ∂y/∂last (b, T, C) to ∂y/∂inputs_embeds (b, T, E); <paramref name="gradAttentions"/> (L, H, T, T)
    /// for one sequence, or null.</summary>
    float[] BackwardBatch(IKernels kernels, ForwardInput input, IReadOnlyList<float[]> embeds, BatchTape tape, float[] dLast, float[]? gradAttentions,
        CancellationToken cancellationToken);
}
