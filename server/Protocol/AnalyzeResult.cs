namespace AttentionLens.Server.Protocol;

/// <summary><c>attentionLens/analyze</c> result. Methods not asked for are null (omitted); rollout is always present.</summary>
public sealed record AnalyzeResult
{
    public required string AnalysisId { get; init; }
    public required ModelDescriptor Model { get; init; }
    public required IReadOnlyList<TokenDto> Tokens { get; init; }
    public required int Layers { get; init; }
    public required int Heads { get; init; }
    public required int Target { get; init; }
    public required MatrixDto Rollout { get; init; }
    public MatrixDto? RolloutByLayer { get; init; }
    public double[]? Attention { get; init; }
    public FlowDto? Flow { get; init; }
    public InfluenceDto? Influence { get; init; }
    public ValueNormsDto? ValueNorms { get; init; }
    public FaithfulnessDto? Faithfulness { get; init; }
    /// <summary>Milliseconds per stage: the core's stages plus load, tokenize and total (server side).</summary>
    public required IReadOnlyDictionary<string, double> Timings { get; init; }
}

public sealed record ModelDescriptor(string Id, string Path, string Architecture, string ModelType, int Layers, int Heads, long ParameterCount, bool IsCausal);

/// <summary>A token and its LSP range in the document (empty range at its position for special tokens).</summary>
public sealed record TokenDto(int Index, int Id, string Text, Range Range, bool Special);

/// <summary>Dense row-major matrix, never nested lists.</summary>
public sealed record MatrixDto(int Rows, int Cols, double[] Data);

/// <summary>§4–§5; <paramref name="ShapleyTotal"/> is the one max-flow value the Shapley shares sum to.</summary>
public sealed record FlowDto(double[] Raw, double[] Normalised, double[] Shapley, double ShapleyTotal, MatrixDto? ByLayer);

/// <summary>A traced edge (§6): in layer (1..L) and head, position From attends to To with Weight ≥ τ.</summary>
public sealed record EdgeDto(int Layer, int Head, int From, int To, double Weight);

public sealed record InfluenceDto(double[] Scores, IReadOnlyList<EdgeDto> Edges, MatrixDto? ByLayer, MatrixDto? Counts);

/// <summary>§7; <paramref name="TargetWeightedHeadNorms"/> (L·H × T) is α·‖f_h(x_j)‖ for the target row, with <c>options.layers</c>.</summary>
public sealed record ValueNormsDto(double[] Scores, MatrixDto Received, MatrixDto Emitted, MatrixDto? HeadValueNorms, MatrixDto? TargetWeightedHeadNorms);

/// <summary>Spearman ρ is null where it is undefined (a constant score vector).</summary>
public sealed record FaithfulnessDto(double[] Occlusion, string TargetDescription, IReadOnlyDictionary<string, double?> Spearman);
