namespace AttentionLens.Flow;

/// <summary>How per-head attention becomes the per-layer capacity matrices of rollout and flow.</summary>
/// <param name="Aggregate">Head reduction (§1); the mean is the reference's.</param>
/// <param name="Heads">Heads included (0-based); null = all.</param>
/// <param name="Residual">Residual augmentation (§2): Â = (Ā + I) / rowsum(Ā + I), applied once.</param>
/// <param name="Causal">Decoder-only model: entries above the diagonal (key j &gt; query i) are dropped,
/// so the graph has edges only to j ≤ i (§5).</param>
public sealed record ReductionOptions(
    HeadAggregate Aggregate = HeadAggregate.Mean,
    IReadOnlyList<int>? Heads = null,
    bool Residual = true,
    bool Causal = false)
{
    public static ReductionOptions Default { get; } = new();
}
