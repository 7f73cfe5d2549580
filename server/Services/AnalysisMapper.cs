using AttentionLens.Analysis;
using AttentionLens.Server.Protocol;

namespace AttentionLens.Server.Services;

/// <summary>Turns the core's <see cref="AnalysisResult"/> into the protocol's records.</summary>
public static class AnalysisMapper
{
    public static AnalyzeResult ToDto(string analysisId, ModelDescriptor model, IReadOnlyList<TokenDto> tokens, AnalysisResult r, bool byLayer, IReadOnlyDictionary<string, double> timings) => new()
    {
        AnalysisId = analysisId,
        Model = model,
        Tokens = tokens,
        Layers = r.Layers,
        Heads = r.Heads,
        Target = r.Target,
        Rollout = Matrix(r.Rollout),
        RolloutByLayer = byLayer ? Matrix(r.RolloutByLayer) : null,
        Attention = r.Attention,
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
                fa.Spearman.ToDictionary(p => MethodNames.Name(p.Key), p => double.IsFinite(p.Value) ? p.Value : (double?)null))
            : null,
        Timings = timings,
    };

    public static MatrixDto Matrix(Matrix m) => new(m.Rows, m.Cols, m.Data);

    public static EdgeDto Edge(TracedEdge e) => new(e.Layer, e.Head, e.From, e.To, e.Weight);
}
