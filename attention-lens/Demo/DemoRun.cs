using AttentionLens.Analysis;

namespace AttentionLens.Demo;

/// <summary>What <see cref="DemoPipeline.Run"/> computed.</summary>
/// <param name="Analyses">Pre-trained BERT, fine-tuned BERT (same sentence, target [CLS]) and GPT-2.</param>
/// <param name="Comparison">The pre-trained (A) vs the fine-tuned (B) BERT: traced-graph edges shared and
/// exclusive, and every method's per-token scores with B − A (<see cref="ModelComparer"/>).</param>
/// <param name="TimingsMs">Wall-clock milliseconds per stage (loading, each analysis, in total).</param>
public sealed record DemoRun(
    IReadOnlyList<DemoAnalysis> Analyses,
    ComparisonResult Comparison,
    IReadOnlyDictionary<string, double> TimingsMs);
