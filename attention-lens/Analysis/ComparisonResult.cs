namespace AttentionLens.Analysis;

/// <summary>
/// Two analyses of the same text compared (docs/methods.md §6 for the traced edges).
/// When <see cref="SameTokenization"/> is true the units are the tokens one to one and edge
/// positions are token positions; otherwise edge positions are unit indices into <see cref="Units"/>.
/// </summary>
/// <param name="Units">The aligned stretches of text, in text order.</param>
/// <param name="SameTokenization">Both analyses cut the text into the same tokens.</param>
/// <param name="Scores">Per method present in both analyses, the per-unit scores and B − A.</param>
/// <param name="SharedEdges">Traced edges (layer, head, from, to) in both; weights are A's.</param>
/// <param name="OnlyA">Traced edges only in A.</param>
/// <param name="OnlyB">Traced edges only in B.</param>
/// <param name="Merge">How token scores were merged into units, in words (for the UI).</param>
public sealed record ComparisonResult(
    IReadOnlyList<AlignedUnit> Units,
    bool SameTokenization,
    IReadOnlyDictionary<AnalysisMethod, ScoreComparison> Scores,
    IReadOnlyList<TracedEdge> SharedEdges,
    IReadOnlyList<TracedEdge> OnlyA,
    IReadOnlyList<TracedEdge> OnlyB,
    string Merge);
