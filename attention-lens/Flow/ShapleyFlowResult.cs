namespace AttentionLens.Flow;

/// <summary>One max-flow of §5's super-source construction for one target.</summary>
/// <param name="Values">(T) flow on each token's source edge; Σ = <paramref name="Total"/>.</param>
/// <param name="Total">The max-flow value from all input tokens together to the target.</param>
/// <param name="Capacity">Capacity of every source edge (the target's out-capacity, so never binding).</param>
public sealed record ShapleyFlowResult(double[] Values, double Total, double Capacity);
