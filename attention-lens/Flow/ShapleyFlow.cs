namespace AttentionLens.Flow;

/// <summary>
/// Attention flow as Shapley values (docs/methods.md §5; Ethayarajh and Jurafsky, ACL 2021).
/// Construction (ours — our reading of Metzger, Finkbeiner et al. 2022, whose exact construction is
/// not available to us): a super-source s with an edge s → (0, i) for every input token i, the
/// graph of §4 with its edges pointing up (0 → L), and the target (L, t) → sink. One max-flow; token
/// i's value is the flow on its source edge, so the values sum to the total flow.
/// The solver runs the same flow with every edge reversed, (L, t) → … → (0, i) → super node, which
/// has the same value and, read backwards, the same edge flows.
/// Source-edge capacity: the target's out-capacity Σ_j Â[L][t, j] (1 with residual augmentation).
/// The total can never exceed it, so the capacity never binds and each value is in [0, capacity].
/// Tie-breaking: edge flows of a max-flow are not unique. Dinic's solver here tries arcs in a fixed
/// order (lower token index first), so among equally short augmenting paths the lowest-indexed
/// tokens are filled first; the result is deterministic but another max-flow could split the same
/// total differently. Causal models: build the graph with <see cref="ReductionOptions.Causal"/> so
/// it has edges only to j ≤ i; the target is the position whose next-token prediction is explained.
/// </summary>
public static class ShapleyFlow
{
    public static ShapleyFlowResult Compute(LayeredAttention graph, int target)
    {
        if (target < 0 || target >= graph.Tokens)
            throw new InvalidAttentionException($"target position {target} is out of range; it must be in 0..{graph.Tokens - 1}.", "target");
        int n = graph.Tokens;
        double capacity = 0;
        var last = graph.Block(graph.Layers - 1).Slice(target * n, n);
        foreach (var c in last) capacity += c;
        var extended = graph.WithSuperSink(capacity);
        var solver = new LayeredMaxFlow(extended);
        double total = solver.Solve(extended.Layers, target, 0, keepFlow: true);
        var values = new double[n];
        for (int i = 0; i < n; i++) values[i] = Math.Clamp(solver.EdgeFlow(1, i, 0), 0, capacity);
        solver.Reset();
        return new ShapleyFlowResult(values, total, capacity);
    }
}
