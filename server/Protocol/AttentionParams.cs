namespace AttentionLens.Server.Protocol;

/// <summary><c>attentionLens/attention</c>: per-head attention of a kept analysis. Layer is 1..L, head 0..H−1; null = all.</summary>
public sealed record AttentionParams
{
    public required string AnalysisId { get; init; }
    public int? Layer { get; init; }
    public int? Head { get; init; }
}

public sealed record AttentionResult(string AnalysisId, int Tokens, IReadOnlyList<HeadMatrixDto> Matrices);

/// <summary>The (T × T) softmax attention of one head; row = query, column = key.</summary>
public sealed record HeadMatrixDto(int Layer, int Head, int Rows, int Cols, float[] Data);
