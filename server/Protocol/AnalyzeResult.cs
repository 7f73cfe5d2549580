namespace AttentionLens.Server.Protocol;

/// <summary><c>attentionLens/analyze</c> result. Every method's token scores are in <see cref="Scores"/>
/// (rollout always); method-specific detail records (flow, influence, valueNorms, globenc, logitLens,
/// faithfulness) are null (omitted) when the method was not asked for. Definitions: docs/methods.md.</summary>
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
    /// <summary>Method name → (T) the target's token scores, larger = more important.</summary>
    public required IReadOnlyDictionary<string, double[]> Scores { get; init; }
    /// <summary>Method name → (L × T) the target's scores after each layer, with <c>options.layers</c>.</summary>
    public IReadOnlyDictionary<string, MatrixDto>? ScoresByLayer { get; init; }
    /// <summary>Method name → why a requested method could not run on this model.</summary>
    public IReadOnlyDictionary<string, string>? Unavailable { get; init; }
    public FlowDto? Flow { get; init; }
    public InfluenceDto? Influence { get; init; }
    public ValueNormsDto? ValueNorms { get; init; }
    public GlobEncDto? Globenc { get; init; }
    public LogitLensDto? LogitLens { get; init; }
    public RoutesDto? Routes { get; init; }
    public FaithfulnessDto? Faithfulness { get; init; }
    /// <summary>Gradient method name → its detail (docs/methods.md#gradients): the differentiated quantity and value,
    /// integrated gradients' completeness gap, attention × gradient's per-head totals (with <c>options.layers</c>).</summary>
    public IReadOnlyDictionary<string, GradientDetailDto>? Gradients { get; init; }
    /// <summary>The prediction explained (omitted for a bare body): docs/protocol.md#prediction.</summary>
    public PredictionDto? Prediction { get; init; }
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

/// <summary>Spearman ρ is null where it is undefined (a constant score vector). Comprehensiveness and
/// sufficiency: ERASER AOPC over 10/20/50 % of the tokens (DeYoung et al. 2020).</summary>
public sealed record FaithfulnessDto(double[] Occlusion, string TargetDescription, IReadOnlyDictionary<string, double?> Spearman,
    IReadOnlyDictionary<string, double> Comprehensiveness, IReadOnlyDictionary<string, double> Sufficiency);

/// <summary>GlobEnc's rolled-out target row before normalisation (docs/methods.md#globenc).</summary>
public sealed record GlobEncDto(double[] Raw);

/// <summary>The logit lens at the target (docs/methods.md#logitlens); <paramref name="Layers"/>[0] is the embeddings.</summary>
public sealed record LogitLensDto(int Predicted, string PredictedText, IReadOnlyList<LogitLensLayerDto> Layers);

public sealed record LogitLensLayerDto(int Layer, int[] TopIds, string[] TopTokens, double[] TopProbabilities, double PredictedProbability, int PredictedRank);

/// <summary>A candidate of a prediction: a label id, vocabulary id or (QA) token position, its name (id2label
/// name, token text, or the position's token text) and its softmax probability.</summary>
public sealed record PredictionCandidateDto(int Index, string Label, double Probability);

/// <summary>Extractive QA's predicted span: first and last token (inclusive), its document range and text.</summary>
public sealed record AnswerSpanDto(int Start, int End, Range Range, string Text);

/// <summary>What the analysis explains. <paramref name="Head"/>: causalLM, maskedLM, sequenceClassification,
/// tokenClassification or questionAnswering. <paramref name="Position"/>: the token the prediction belongs to;
/// <paramref name="Chosen"/>: the label was picked (params.label), not the argmax; <paramref name="SpanEnd"/>:
/// QA explains the span's end; <paramref name="Alternatives"/>: top candidates at the position;
/// <paramref name="TokenLabels"/>: every token's predicted label (token classification); <paramref name="Contrast"/>: the
/// alternative B of a contrastive analysis (params.contrast), "why label rather than B".</summary>
public sealed record PredictionDto(string Head, int Position, int Index, string Label, double? Probability, bool Chosen, bool SpanEnd,
    string Description, IReadOnlyList<PredictionCandidateDto> Alternatives, AnswerSpanDto? Span, IReadOnlyList<PredictionCandidateDto>? TokenLabels,
    PredictionCandidateDto? Contrast = null);

/// <summary>A gradient method's detail (docs/methods.md#gradients). <paramref name="Quantity"/>: y in words; <paramref name="Value"/>:
/// y at the input. Integrated gradients adds the baseline (zero, pad, mask), steps, rule (midpoint), f(baseline), Σ attributions,
/// the completeness gap Σ a − (f(x) − f(x′)) and that gap relative to |f(x) − f(x′)| (null when undefined);
/// attention × gradient adds <paramref name="HeadScores"/> (L·H × T) with <c>options.layers</c>.</summary>
public sealed record GradientDetailDto(string Quantity, double Value, string? Baseline = null, int? Steps = null, string? Rule = null,
    double? BaselineValue = null, double? AttributionSum = null, double? CompletenessGap = null, double? RelativeGap = null, MatrixDto? HeadScores = null);

/// <summary>Information-flow routes to the target (docs/methods.md#routes): the edges above <paramref name="Threshold"/>.</summary>
public sealed record RoutesDto(double Threshold, IReadOnlyList<RouteEdgeDto> Edges);

/// <summary>One route edge between residual-stream states. Kinds: <c>token</c> (layer 0, the embedding),
/// <c>attention</c> (after layer <c>layer</c>'s attention block), <c>ffn</c> (its FFN block), <c>output</c>
/// (after its FFN block); layers are 1-based, positions 0-based.</summary>
public sealed record RouteEdgeDto(string FromKind, int FromLayer, int FromToken, string ToKind, int ToLayer, int ToToken, double Weight);
