namespace AttentionLens.Analysis;

/// <summary>Every requested method's result for one sequence and one target. Rollout is always
/// computed; a method not asked for (or unavailable for the architecture) has no entry.</summary>
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

    /// <summary>Method name → (T) token scores for the target (larger = more important).</summary>
    public IReadOnlyDictionary<string, double[]> Scores { get; init; } = new Dictionary<string, double[]>();

    /// <summary>Method name → (L × T) the target's scores after each layer, where the method has them.</summary>
    public IReadOnlyDictionary<string, Matrix> ScoresByLayer { get; init; } = new Dictionary<string, Matrix>();

    /// <summary>Method name → why a requested method could not run on this model.</summary>
    public IReadOnlyDictionary<string, string> Unavailable { get; init; } = new Dictionary<string, string>();

    /// <summary>(T) the target's row of the last layer's head-reduced attention.</summary>
    public double[]? Attention { get; init; }

    public FlowScores? Flow { get; init; }
    public InfluenceScores? Influence { get; init; }
    public ValueNormScores? ValueNorms { get; init; }
    public GlobEncScores? GlobEnc { get; init; }
    public LogitLensResult? LogitLens { get; init; }
    public RouteGraph? Routes { get; init; }
    public FaithfulnessScores? Faithfulness { get; init; }

    /// <summary>Gradient method name → its detail (the differentiated quantity and value; integrated
    /// gradients' completeness gap; attention × gradient's per-head totals). Empty when none ran.</summary>
    public IReadOnlyDictionary<string, GradientDetail> Gradients { get; init; } = new Dictionary<string, GradientDetail>();

    /// <summary>The prediction explained (head, label or token and its probability, alternatives, QA span,
    /// token labels); null when the pass has no head outputs (logits not computed).</summary>
    public PredictionSummary? Prediction { get; init; }

    /// <summary>The one forward pass the methods read (attentions, hidden states, captured terms), for a
    /// caller that keeps a session (the server keeps its attention for per-head views); null when not kept.</summary>
    public Models.ForwardResult? Forward { get; init; }

    /// <summary>Milliseconds per stage (forward, rollout, flow, …).</summary>
    public required IReadOnlyDictionary<string, double> TimingsMs { get; init; }

    /// <summary>The token scores of <paramref name="method"/> for the target, or null.</summary>
    public double[]? ScoresFor(AnalysisMethod method)
    {
        if (method == AnalysisMethod.Faithfulness) return Faithfulness?.Occlusion;
        if (Scores.TryGetValue(method.Name, out var s)) return s;
        return method.Name switch
        {
            "attention" => Attention,
            "rollout" => Enumerable.Range(0, Tokens).Select(j => Rollout[Target, j]).ToArray(),
            "flow" => Flow?.Normalised,
            "influence" => Influence?.Scores,
            "valueNorms" => ValueNorms?.Scores,
            _ => null,
        };
    }
}
