using AttentionLens.Analysis;
using AttentionLens.Tokenizers;

namespace AttentionLens.Server.Report;

/// <summary>Two models' traced attention graphs on the same tokens (algorithms.md §6): edges
/// both trace, and edges only one traces.</summary>
/// <param name="NameA">Model A (e.g. pre-trained).</param>
/// <param name="NameB">Model B (e.g. fine-tuned).</param>
/// <param name="Tokens">The shared tokens.</param>
/// <param name="Layers">L, so that layers 0..L are drawn.</param>
public sealed record ReportComparison(
    string NameA,
    string NameB,
    IReadOnlyList<Token> Tokens,
    int Layers,
    IReadOnlyList<TracedEdge> Shared,
    IReadOnlyList<TracedEdge> OnlyA,
    IReadOnlyList<TracedEdge> OnlyB);
