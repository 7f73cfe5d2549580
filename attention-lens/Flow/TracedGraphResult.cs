namespace AttentionLens.Flow;

/// <summary>Traced attention graph and token influence for one target (§6).</summary>
/// <param name="Counts">(L × T) row l−1 holds c_l(w).</param>
/// <param name="Influence">(L × T) row l−1 holds I_l(w).</param>
/// <param name="Traced">Per layer 0..L, the traced node set S_l in increasing position order.</param>
/// <param name="Edges">Every traced edge, ordered by layer (L first), head, from, to.</param>
public sealed record TracedGraphResult(double[] Counts, double[] Influence, IReadOnlyList<int[]> Traced, IReadOnlyList<AttentionEdge> Edges)
{
    /// <summary>(T) I_1(w), the influence of input token w.</summary>
    public double[] Scores(int tokens) => Influence.AsSpan(0, tokens).ToArray();
}
