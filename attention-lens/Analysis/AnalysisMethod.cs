namespace AttentionLens.Analysis;

/// <summary>The token-scoring methods of <c>shared/docs/algorithms.md</c>.</summary>
public enum AnalysisMethod
{
    /// <summary>Raw attention of the last layer, heads reduced (§1).</summary>
    Attention,
    /// <summary>Attention rollout (§3).</summary>
    Rollout,
    /// <summary>Exact max-flow attention flow (§4).</summary>
    Flow,
    /// <summary>Traced-graph token influence (§6).</summary>
    Influence,
    /// <summary>Value-weighted attention norms (§7).</summary>
    ValueNorms,
    /// <summary>Leave-one-out occlusion and Spearman ρ of every method against it (§8).</summary>
    Faithfulness,
}
