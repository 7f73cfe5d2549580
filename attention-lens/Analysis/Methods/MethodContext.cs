using AttentionLens.Flow;
using AttentionLens.Models;

namespace AttentionLens.Analysis;

/// <summary>Everything a method may read for one analysis: the single forward pass and the options.</summary>
public sealed record MethodContext(
    ITransformerModel Model,
    ForwardInput Input,
    ForwardResult Forward,
    AttentionShape Shape,
    LayeredAttention Graph,
    ReductionOptions Reduction,
    AnalysisOptions Options,
    int Target)
{
    /// <summary>The one backward pass of the explained prediction that the gradient methods share (run on first use).</summary>
    public GradientPass Gradients { get; init; } = new();

    /// <summary>The forward's attention read one head or row at a time (<see cref="StoredHeadAttention"/>).</summary>
    public IHeadAttention PerHead { get; } = new StoredHeadAttention(Forward.AttentionStore);

    /// <summary>The forward's attention as one float32 (L, H, T, T) array (ordinary inputs: the exact
    /// path), or null for a long input kept per layer or in half precision (read <see cref="PerHead"/>).</summary>
    public float[]? FlatAttention => Forward.AttentionStore.Flat;

    public int Layers => Shape.Layers;
    public int Heads => Shape.Heads;
    public int Tokens => Shape.Tokens;
}
