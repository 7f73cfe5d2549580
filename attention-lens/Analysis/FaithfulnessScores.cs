namespace AttentionLens.Analysis;

/// <summary>Leave-one-out occlusion and each method's agreement with it (docs/methods.md#faithfulness).</summary>
/// <param name="Occlusion">(T) drop of the target score when token j is masked out.</param>
/// <param name="TargetDescription">What the target score is (predicted token's log-prob, or class logit).</param>
/// <param name="Spearman">Spearman ρ between each method's token scores and <paramref name="Occlusion"/>.</param>
public sealed record FaithfulnessScores(double[] Occlusion, string TargetDescription, IReadOnlyDictionary<AnalysisMethod, double> Spearman)
{
    /// <summary>ERASER comprehensiveness AOPC per method (DeYoung et al. 2020): the mean drop of the target
    /// score when each method's top 10/20/50 % tokens are removed; larger = more faithful.</summary>
    public IReadOnlyDictionary<AnalysisMethod, double> Comprehensiveness { get; init; } = new Dictionary<AnalysisMethod, double>();

    /// <summary>ERASER sufficiency AOPC per method: the mean drop when only the top 10/20/50 % are kept;
    /// smaller = more faithful.</summary>
    public IReadOnlyDictionary<AnalysisMethod, double> Sufficiency { get; init; } = new Dictionary<AnalysisMethod, double>();
}
