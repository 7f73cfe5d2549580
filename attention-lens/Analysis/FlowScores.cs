namespace AttentionLens.Analysis;

/// <summary>Max-flow attention flow for the target (§4, §5).</summary>
/// <param name="Raw">(T) max-flow value from (L, target) to (0, j).</param>
/// <param name="Normalised">(T) Raw divided by its sum.</param>
/// <param name="ByLayer">(L × T) row l−1: normalised flow from (l, target) to the inputs.</param>
/// <param name="Shapley">(T) flow on each super-source edge of one max-flow (§5); sums to the total.</param>
public sealed record FlowScores(double[] Raw, double[] Normalised, Matrix ByLayer, double[] Shapley)
{
    /// <summary>The max-flow value of the super-source construction: Σ Shapley.</summary>
    public double ShapleyTotal { get; init; }
}
