using AttentionLens.Analysis;

namespace AttentionLens.Demo;

/// <summary>
/// The comparison of DeRose, Wang &amp; Berger ("Attention Flows", VIS 2020), as operationalised in
/// algorithms.md §6: the traced attention-graph edges of two models on the same tokens (same τ),
/// split into edges both models trace and edges only one traces. An edge is identified by
/// (layer, head, from, to); <see cref="Shared"/> carries model A's weights.
/// </summary>
public sealed record TracedGraphComparison(IReadOnlyList<TracedEdge> Shared, IReadOnlyList<TracedEdge> OnlyA, IReadOnlyList<TracedEdge> OnlyB)
{
    /// <summary>Share of all distinct edges that both models trace (Jaccard index of the edge sets).</summary>
    public double Jaccard => Shared.Count + OnlyA.Count + OnlyB.Count is var all && all == 0 ? 1.0 : (double)Shared.Count / all;

    public static TracedGraphComparison Compare(InfluenceScores a, InfluenceScores b)
    {
        var keysB = b.Edges.Select(Key).ToHashSet();
        var keysA = a.Edges.Select(Key).ToHashSet();
        return new TracedGraphComparison(
            a.Edges.Where(e => keysB.Contains(Key(e))).ToArray(),
            a.Edges.Where(e => !keysB.Contains(Key(e))).ToArray(),
            b.Edges.Where(e => !keysA.Contains(Key(e))).ToArray());
    }

    private static (int, int, int, int) Key(TracedEdge e) => (e.Layer, e.Head, e.From, e.To);
}
