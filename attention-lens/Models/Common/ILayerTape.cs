using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// One layer run forward over b sequences of T tokens (b·T rows; attention per sequence), keeping what its
/// backward reads — the alternative to per-layer checkpointing (<see cref="ReverseLayers"/>), which recomputes
/// them: a backward from a tape costs one forward-equivalent less per layer. Made per pass by a body's
/// <see cref="IBatchedDifferentiableBody.ForwardBatch"/>, its buffers from the pass's <see cref="TapeArena"/>.
/// </summary>
internal interface ILayerTape
{
    /// <summary>y = layer(x) for b·T rows. <paramref name="x"/> stays unchanged until <see cref="Backward"/>, so
    /// the tape may keep it by reference.</summary>
    void Forward(IKernels kernels, ReadOnlyMemory<float> x, Span<float> y);

    /// <summary>(b, H, T, T) the probabilities of the last <see cref="Forward"/>.</summary>
    ReadOnlySpan<float> Probs { get; }

    /// <summary>dx = (∂layer/∂x)ᵀ dy at the kept forward, ∂y/∂P (b, H, T, T) into <paramref name="dProbs"/>.
    /// Reads the tape once: it may overwrite kept buffers as scratch.</summary>
    void Backward(IKernels kernels, ReadOnlySpan<float> dy, Span<float> dx, Span<float> dProbs);
}
