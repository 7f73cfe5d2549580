namespace AttentionLens.Demo;

/// <summary>What <see cref="DemoPipeline.Run"/> computed.</summary>
/// <param name="Analyses">Pre-trained BERT, fine-tuned BERT (same sentence, target [CLS]) and GPT-2.</param>
/// <param name="Comparison">Traced-graph edges of the pre-trained (A) vs the fine-tuned (B) BERT.</param>
/// <param name="TimingsMs">Wall-clock milliseconds per stage (loading, each analysis, in total).</param>
public sealed record DemoRun(
    IReadOnlyList<DemoAnalysis> Analyses,
    TracedGraphComparison Comparison,
    IReadOnlyDictionary<string, double> TimingsMs);
