using System.Text.Json;

namespace AttentionLens.Server.Protocol;

/// <summary><c>attentionLens/compare</c>: analyse the same range with two models.</summary>
public sealed record CompareParams
{
    public required TextDocumentIdentifier TextDocument { get; init; }
    public required Range Range { get; init; }
    public required string ModelA { get; init; }
    public required string ModelB { get; init; }
    public TargetSpec? Target { get; init; }
    public Position? TargetPosition { get; init; }
    public IReadOnlyList<string>? Methods { get; init; }
    public AnalyzeOptions? Options { get; init; }
    public JsonElement? WorkDoneToken { get; init; }
}

public sealed record CompareResult(AnalyzeResult A, AnalyzeResult B, ComparisonDto Difference);

/// <summary>
/// §6 comparison, computed by the core's ModelComparer. Tokens of A and B are aligned through
/// their character ranges into units (one token each when both tokenize alike); scores are summed
/// per unit; traced edges (layer, head, from, to), with positions in units, are shared by both,
/// only in A or only in B.
/// </summary>
/// <param name="Units">Aligned stretches of the document with the token indices of A and B in each.</param>
/// <param name="Scores">Per method both analyses have: A's and B's score per unit and B − A.</param>
/// <param name="Merge">How scores and edges were merged into units, in words (for the UI).</param>
public sealed record ComparisonDto(
    bool SameTokenization,
    IReadOnlyList<AlignedUnitDto> Units,
    IReadOnlyDictionary<string, ScoreComparisonDto> Scores,
    IReadOnlyList<EdgeDto> SharedEdges,
    IReadOnlyList<EdgeDto> OnlyA,
    IReadOnlyList<EdgeDto> OnlyB,
    string Merge);

public sealed record AlignedUnitDto(Range Range, int[] TokensA, int[] TokensB);

public sealed record ScoreComparisonDto(double[] A, double[] B, double[] Difference);
