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

    /// <summary>
    /// Above this many bytes of per-head attention (4·L·H·T²), an analysis that needs only head means
    /// (mean reduction of all heads; no influence or value norms, which read single heads) asks the
    /// forward for head means alone (<see cref="Models.ForwardOptions.HeadMeanAttention"/>), so long
    /// inputs fit: 2,048 tokens of Llama-3.2-1B's shape hold 268 MB instead of 8.6 GB. One that reads
    /// single heads through the per-layer store (influence, value norms, raw attention) gets them in
    /// half precision per layer instead (<see cref="AttentionPlan"/>; 4.3 GB there).
    /// </summary>
    public long PerHeadAttentionLimitBytes { get; init; } = 1L << 30;

    /// <summary>
    /// Most bytes the kept attention of one analysis may take once it exceeds
    /// <see cref="PerHeadAttentionLimitBytes"/> (half-precision per-head attention, its float32 layer
    /// buffer and value norms' Grams: <see cref="AttentionPlan.AttentionBytes"/>); a longer input is refused
    /// before the model runs, saying how many tokens fit. The server sets it to its memory budget less
    /// the loaded model's estimate; by default three quarters of the memory this process may use (the
    /// server's default budget), the model not counted.
    /// </summary>
    public long AttentionMemoryLimitBytes { get; init; } = DefaultAttentionMemoryLimitBytes;

    private static readonly long DefaultAttentionMemoryLimitBytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4 * 3;

    /// <summary>Forces how per-head attention is kept (null: <see cref="AttentionPlan.For"/> decides):
    /// <see cref="Models.AttentionStorage.Float16"/> on a small input runs the long-input path (half
    /// precision per layer, value Grams) so that it can be compared with the exact one.</summary>
    public Models.AttentionStorage? AttentionStorage { get; init; }

    /// <summary>Integrated gradients: m, the number of points on the path (midpoint Riemann rule), each one
    /// forward and backward pass (docs/methods.md#integratedgradients).</summary>
    public int IgSteps { get; init; } = 32;

    /// <summary>Integrated gradients' baseline: zero embeddings (default), or the pad or mask token's
    /// embedding, whose id <see cref="IgBaselineTokenId"/> the caller supplies (the server from the tokenizer).</summary>
    public IntegratedGradientsBaseline IgBaseline { get; init; } = IntegratedGradientsBaseline.Zero;

    /// <summary>The token id of a <see cref="IntegratedGradientsBaseline.Pad"/> or <see cref="IntegratedGradientsBaseline.Mask"/> baseline.</summary>
    public int? IgBaselineTokenId { get; init; }

    /// <summary>Largest T accepted; longer inputs are refused with a message.</summary>
    public int MaxTokens { get; init; } = 512;
}
