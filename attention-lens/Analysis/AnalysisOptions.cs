namespace AttentionLens.Analysis;

/// <summary>What to compute for one analysed sequence.</summary>
public sealed record AnalysisOptions
{
    /// <summary>Position whose prediction is explained; null = the default (first token for
    /// encoders — the classification token — and the last token for causal decoders).</summary>
    public int? Target { get; init; }

    /// <summary>The label / token to explain instead of the predicted one, or a QA span's end
    /// (<see cref="PredictionTarget"/>); null = the model's own prediction.</summary>
    public PredictionChoice? Prediction { get; init; }

    public IReadOnlySet<AnalysisMethod> Methods { get; init; } =
        new HashSet<AnalysisMethod> { AnalysisMethod.Attention, AnalysisMethod.Rollout, AnalysisMethod.Flow, AnalysisMethod.Influence, AnalysisMethod.ValueNorms };

    public HeadReduction HeadReduction { get; init; } = HeadReduction.Mean;

    /// <summary>Heads included in the reduction; null = all.</summary>
    public IReadOnlyList<int>? HeadSubset { get; init; }

    /// <summary>Residual augmentation Â = 0.5·Ā + 0.5·I (§2).</summary>
    public bool Residual { get; init; } = true;

    /// <summary>Attention threshold τ of traced graphs (§6).</summary>
    public double Tau { get; init; } = 0.1;

    /// <summary>Decay α of token influence (§6), 0 &lt; α ≤ 1.</summary>
    public double Alpha { get; init; } = 0.9;

    /// <summary>Divide causal scores by receptive-field size (§5), off by default.</summary>
    public bool ReceptiveFieldNormalisation { get; init; }

    /// <summary>Contribution threshold τ of information-flow routes (the authors' tool defaults to 0.04).</summary>
    public double RoutesThreshold { get; init; } = 0.04;

    /// <summary>How many tokens the logit lens lists per layer.</summary>
    public int TopK { get; init; } = 5;

    /// <summary>Most extra forward passes a method may run (value zeroing runs L·T); beyond it the method
    /// reports itself unavailable instead of keeping the server busy for minutes.</summary>
    public int MaxExtraPasses { get; init; } = 1024;

    /// <summary>Largest T accepted; longer inputs are refused with a message.</summary>
    public int MaxTokens { get; init; } = 512;
}
