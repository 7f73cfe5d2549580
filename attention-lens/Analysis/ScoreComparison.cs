namespace AttentionLens.Analysis;

/// <summary>One method's token scores of both analyses on the aligned units.</summary>
/// <param name="A">(units) A's score per unit: the sum of its tokens' scores.</param>
/// <param name="B">(units) B's score per unit, likewise.</param>
/// <param name="Difference">(units) B − A.</param>
public sealed record ScoreComparison(double[] A, double[] B, double[] Difference);
