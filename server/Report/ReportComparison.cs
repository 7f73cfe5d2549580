using AttentionLens.Analysis;
using AttentionLens.Tokenizers;

namespace AttentionLens.Server.Report;

/// <summary>Two models' analyses of the same text (docs/methods.md §6): traced edges both models
/// trace and edges only one traces, and optionally every method's per-token scores of both.</summary>
/// <param name="NameA">Model A (e.g. pre-trained).</param>
/// <param name="NameB">Model B (e.g. fine-tuned).</param>
/// <param name="Tokens">The units edges and scores refer to (the tokens when both tokenize alike).</param>
/// <param name="Layers">L, so that layers 0..L are drawn.</param>
public sealed record ReportComparison(
    string NameA,
    string NameB,
    IReadOnlyList<Token> Tokens,
    int Layers,
    IReadOnlyList<TracedEdge> Shared,
    IReadOnlyList<TracedEdge> OnlyA,
    IReadOnlyList<TracedEdge> OnlyB)
{
    /// <summary>Per method, both models' scores per unit and B − A; empty when not compared.</summary>
    public IReadOnlyDictionary<AnalysisMethod, ScoreComparison> Scores { get; init; } = new Dictionary<AnalysisMethod, ScoreComparison>();

    /// <summary>How scores were merged when the tokenizations differ (shown as a note), or null.</summary>
    public string? Merge { get; init; }

    /// <summary>The comparison as computed, with the two analyses it compares: the HTML report draws
    /// it with the editor's Token Rings from these. Null when the report was built from edges only.</summary>
    public ComparisonResult? Result { get; init; }

    /// <summary>Model A's analysis (its tokens are the comparison's units when both tokenize alike).</summary>
    public ReportAnalysis? AnalysisA { get; init; }

    /// <summary>Model B's analysis of the same text.</summary>
    public ReportAnalysis? AnalysisB { get; init; }

    /// <summary>
    /// From <see cref="ModelComparer.Compare"/>'s result. With the same tokenization the units are
    /// <paramref name="tokensA"/>; otherwise each aligned unit becomes a pseudo-token whose text
    /// is its stretch of <paramref name="text"/>, since edge positions are then unit indices.
    /// </summary>
    public static ReportComparison From(ComparisonResult result, string nameA, string nameB, string text, IReadOnlyList<Token> tokensA, int layers)
    {
        ArgumentNullException.ThrowIfNull(result);
        var units = result.SameTokenization
            ? tokensA
            : result.Units.Select((u, i) => new Token(-1, text[u.Range.Start..u.Range.End], u.Range, u.Range.Length == 0)).ToArray();
        return new ReportComparison(nameA, nameB, units, layers, result.SharedEdges, result.OnlyA, result.OnlyB)
        {
            Scores = result.Scores,
            Merge = result.SameTokenization ? null : result.Merge,
            Result = result,
        };
    }

    /// <summary>As <see cref="From(ComparisonResult, string, string, string, IReadOnlyList{Token}, int)"/>, keeping both analyses.</summary>
    public static ReportComparison From(ComparisonResult result, ReportAnalysis a, ReportAnalysis b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return From(result, a.Name, b.Name, a.Text ?? "", a.Tokens, a.Result.Layers) with { AnalysisA = a, AnalysisB = b };
    }
}
