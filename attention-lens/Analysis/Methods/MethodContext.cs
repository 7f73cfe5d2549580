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
    public int Layers => Shape.Layers;
    public int Heads => Shape.Heads;
    public int Tokens => Shape.Tokens;
}
