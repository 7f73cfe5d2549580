using System.Text.Json;

namespace AttentionLens.Server.Protocol;

/// <summary><c>attentionLens/compare</c>: analyse the same range with two models.</summary>
public sealed record CompareParams
{
    public required TextDocumentIdentifier TextDocument { get; init; }
    public required Range Range { get; init; }
    public required string ModelA { get; init; }
    public required string ModelB { get; init; }
    public int? Target { get; init; }
    public IReadOnlyList<string>? Methods { get; init; }
    public AnalyzeOptions? Options { get; init; }
    public JsonElement? WorkDoneToken { get; init; }
}

public sealed record CompareResult(AnalyzeResult A, AnalyzeResult B, ComparisonDto Difference);

/// <summary>
/// §6 comparison. With the same tokenization: per-method score differences (B − A) and traced
/// edges shared / only in A / only in B (keyed by layer, head, from, to). Otherwise only
/// <paramref name="SameTokenization"/> = false and the reason.
/// </summary>
public sealed record ComparisonDto(
    bool SameTokenization,
    string? Reason,
    IReadOnlyDictionary<string, double[]>? ScoreDifference,
    IReadOnlyList<EdgeDto>? SharedEdges,
    IReadOnlyList<EdgeDto>? OnlyA,
    IReadOnlyList<EdgeDto>? OnlyB);
