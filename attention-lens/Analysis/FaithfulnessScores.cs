namespace AttentionLens.Analysis;

/// <summary>Leave-one-out occlusion (§8) and each method's agreement with it.</summary>
/// <param name="Occlusion">(T) drop of the target score when token j is masked out.</param>
/// <param name="TargetDescription">What the target score is (predicted token's log-prob, or class logit).</param>
/// <param name="Spearman">Spearman ρ between each method's token scores and <paramref name="Occlusion"/>.</param>
public sealed record FaithfulnessScores(double[] Occlusion, string TargetDescription, IReadOnlyDictionary<AnalysisMethod, double> Spearman);
