using AttentionLens.Analysis;
using AttentionLens.Models;
using AttentionLens.Server.Protocol;
using Range = AttentionLens.Server.Protocol.Range;

namespace AttentionLens.Server.Services;

/// <summary>Turns the core's <see cref="AnalysisResult"/> into the protocol's records.</summary>
public static class AnalysisMapper
{
    /// <param name="tokenText">Text of a vocabulary id (the logit lens and an LM's prediction list ids).</param>
    /// <param name="spanOf">Document range and text of tokens first..last (a QA answer span).</param>
    public static AnalyzeResult ToDto(string analysisId, ModelDescriptor model, IReadOnlyList<TokenDto> tokens, AnalysisResult r, bool byLayer, IReadOnlyDictionary<string, double> timings,
        Func<int, string>? tokenText = null, Func<int, int, (Range Range, string Text)>? spanOf = null) => new()
    {
        AnalysisId = analysisId,
        Model = model,
        Tokens = tokens,
        Layers = r.Layers,
        Heads = r.Heads,
        Target = r.Target,
        Rollout = Matrix(r.Rollout),
        RolloutByLayer = byLayer ? Matrix(r.RolloutByLayer) : null,
        Scores = r.Scores.Count > 0 ? r.Scores : LegacyScores(r),
        ScoresByLayer = byLayer ? r.ScoresByLayer.ToDictionary(p => p.Key, p => Matrix(p.Value)) : null,
        Unavailable = r.Unavailable.Count > 0 ? r.Unavailable : null,
        Routes = r.Routes is { } routes
            ? new RoutesDto(routes.Threshold, routes.Edges.Select(e => new RouteEdgeDto(Kind(e.From.Kind), Layer(e.From), e.From.Position, Kind(e.To.Kind), Layer(e.To), e.To.Position, e.Weight)).ToArray())
            : null,
        Globenc = r.GlobEnc is { } g ? new GlobEncDto(g.Raw) : null,
        LogitLens = r.LogitLens is { } lens ? LogitLens(lens, tokenText ?? (id => id.ToString(System.Globalization.CultureInfo.InvariantCulture))) : null,
        Flow = r.Flow is { } f ? new FlowDto(f.Raw, f.Normalised, f.Shapley, f.ShapleyTotal, byLayer ? Matrix(f.ByLayer) : null) : null,
        Influence = r.Influence is { } i
            ? new InfluenceDto(i.Scores, i.Edges.Select(Edge).ToArray(), byLayer ? Matrix(i.ByLayer) : null, byLayer ? Matrix(i.Counts) : null)
            : null,
        ValueNorms = r.ValueNorms is { } v
            ? new ValueNormsDto(v.Scores, Matrix(v.Received), Matrix(v.Emitted), byLayer ? Matrix(v.HeadValueNorms) : null,
                byLayer && v.TargetWeightedHeadNorms is { } tw ? Matrix(tw) : null)
            : null,
        Faithfulness = r.Faithfulness is { } fa
            ? new FaithfulnessDto(fa.Occlusion, fa.TargetDescription,
                fa.Spearman.ToDictionary(p => MethodNames.Name(p.Key), p => double.IsFinite(p.Value) ? p.Value : (double?)null),
                fa.Comprehensiveness.ToDictionary(p => p.Key.Name, p => p.Value),
                fa.Sufficiency.ToDictionary(p => p.Key.Name, p => p.Value))
            : null,
        Gradients = r.Gradients.Count > 0 ? r.Gradients.ToDictionary(g => g.Key, g => Gradient(g.Value, byLayer)) : null,
        Prediction = r.Prediction is { } p ? Prediction(p, tokens, tokenText ?? Invariant, spanOf) : null,
        Timings = timings,
    };

    /// <summary>The protocol's view of the explained prediction: LM candidates get their token text, QA
    /// candidates (positions) the text of the token there, the answer span its document range and text.</summary>
    public static PredictionDto Prediction(PredictionSummary p, IReadOnlyList<TokenDto> tokens, Func<int, string> tokenText, Func<int, int, (Range Range, string Text)>? spanOf)
    {
        Func<PredictionCandidate, PredictionCandidateDto> candidate = p.Head switch
        {
            ModelHead.CausalLM or ModelHead.MaskedLM => c => new PredictionCandidateDto(c.Index, tokenText(c.Index), c.Probability),
            ModelHead.QuestionAnswering => c => new PredictionCandidateDto(c.Index, c.Index < tokens.Count ? tokens[c.Index].Text : c.Label, c.Probability),
            _ => c => new PredictionCandidateDto(c.Index, c.Label, c.Probability),
        };
        var label = p.Head is ModelHead.CausalLM or ModelHead.MaskedLM ? tokenText(p.Index) : p.Label;
        AnswerSpanDto? span = null;
        if (p.Span is var (start, end))
        {
            var (range, text) = spanOf?.Invoke(start, end) ?? (new Range(tokens[start].Range.Start, tokens[end].Range.End), string.Concat(tokens.Skip(start).Take(end - start + 1).Select(t => t.Text)));
            span = new AnswerSpanDto(start, end, range, text);
        }
        return new PredictionDto(HeadName(p.Head), p.Position, p.Index, label, double.IsFinite(p.Probability) ? p.Probability : null, p.Chosen, p.SpanEnd,
            p.Description, p.Alternatives.Select(candidate).ToArray(), span, p.TokenLabels?.Select(c => new PredictionCandidateDto(c.Index, c.Label, c.Probability)).ToArray(),
            p.Contrast is { } b ? candidate(b) : null);
    }

    /// <summary>A gradient method's detail; NaN and infinities (an undefined relative gap) become null.</summary>
    private static GradientDetailDto Gradient(GradientDetail d, bool byLayer) => new(d.Quantity, d.Value, d.Baseline, d.Steps, d.Rule,
        Finite(d.BaselineValue), Finite(d.AttributionSum), Finite(d.CompletenessGap), Finite(d.RelativeGap), byLayer && d.HeadScores is { } h ? Matrix(h) : null);

    private static double? Finite(double? v) => v is { } x && double.IsFinite(x) ? x : null;

    /// <summary>The protocol's name of a head: the enum member in camelCase (sequenceClassification…).</summary>
    public static string HeadName(ModelHead head) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(head.ToString());

    private static string Invariant(int id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Scores of a result built without the registry loop (tests' fakes): the classic fields.</summary>
    private static Dictionary<string, double[]> LegacyScores(AnalysisResult r)
    {
        var scores = new Dictionary<string, double[]>();
        foreach (var m in AnalysisMethod.All)
            if (m != AnalysisMethod.Faithfulness && r.ScoresFor(m) is { } s) scores[m.Name] = s;
        return scores;
    }

    private static string Kind(RouteNodeKind kind) => kind switch
    {
        RouteNodeKind.Token => "token",
        RouteNodeKind.AfterAttention => "attention",
        RouteNodeKind.Ffn => "ffn",
        _ => "output",
    };

    private static int Layer(RouteNode node) => node.Kind == RouteNodeKind.Token ? 0 : node.Layer + 1;

    private static LogitLensDto LogitLens(LogitLensResult lens, Func<int, string> text) => new(
        lens.Predicted, text(lens.Predicted),
        lens.Layers.Select(l => new LogitLensLayerDto(l.Layer, l.TopIds, l.TopIds.Select(text).ToArray(), l.TopProbabilities, l.PredictedProbability, l.PredictedRank)).ToArray());

    public static MatrixDto Matrix(Matrix m) => new(m.Rows, m.Cols, m.Data);

    public static EdgeDto Edge(TracedEdge e) => new(e.Layer, e.Head, e.From, e.To, e.Weight);
}
