namespace AttentionLens.Analysis;

/// <summary>Traced-graph token influence (§6, our operationalisation of DeRose et al. 2020).</summary>
/// <param name="Scores">(T) I_1(w): the influence of input token w.</param>
/// <param name="ByLayer">(L × T) row l−1 holds I_l(w).</param>
/// <param name="Counts">(L × T) row l−1 holds c_l(w).</param>
/// <param name="Edges">Every traced edge, per layer and head.</param>
public sealed record InfluenceScores(double[] Scores, Matrix ByLayer, Matrix Counts, IReadOnlyList<TracedEdge> Edges);
