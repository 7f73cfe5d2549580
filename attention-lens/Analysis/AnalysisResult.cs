namespace AttentionLens.Analysis;

/// <summary>Every method's result for one sequence and one target. A method that was not asked
/// for is null, except rollout, which is always computed.</summary>
public sealed record AnalysisResult
{
    public required int Layers { get; init; }
    public required int Heads { get; init; }
    public required int Tokens { get; init; }
    public required int Target { get; init; }

    /// <summary>(T × T) rollout after the last layer: row = position, column = input token.</summary>
    public required Matrix Rollout { get; init; }

    /// <summary>(L × T) row l−1: the target's rollout row after layer l.</summary>
    public required Matrix RolloutByLayer { get; init; }

    /// <summary>(T) the target's row of the last layer's head-reduced attention.</summary>
    public double[]? Attention { get; init; }

    public FlowScores? Flow { get; init; }
    public InfluenceScores? Influence { get; init; }
    public ValueNormScores? ValueNorms { get; init; }
    public FaithfulnessScores? Faithfulness { get; init; }

    /// <summary>Milliseconds per stage (forward, rollout, flow, …).</summary>
    public required IReadOnlyDictionary<string, double> TimingsMs { get; init; }

    /// <summary>The token scores of <paramref name="method"/> for the target, or null.</summary>
    public double[]? ScoresFor(AnalysisMethod method) => method switch
    {
        AnalysisMethod.Attention => Attention,
        AnalysisMethod.Rollout => Enumerable.Range(0, Tokens).Select(j => Rollout[Target, j]).ToArray(),
        AnalysisMethod.Flow => Flow?.Normalised,
        AnalysisMethod.Influence => Influence?.Scores,
        AnalysisMethod.ValueNorms => ValueNorms?.Scores,
        AnalysisMethod.Faithfulness => Faithfulness?.Occlusion,
        _ => null,
    };
}
