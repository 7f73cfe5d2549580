using AttentionLens.Flow;
using AttentionLens.Models;

namespace AttentionLens.Analysis;

/// <summary>Traced-graph token influence (docs/methods.md#influence); detail: <see cref="InfluenceScores"/>.</summary>
public sealed class InfluenceMethod : IAttributionMethod
{
    public string Name => "influence";
    public string Label => "influence (traced graph)";
    public MethodNeeds Needs => MethodNeeds.Attentions;
    public string? Unsupported(MethodContext context) => null;

    public void CheckOptions(AnalysisOptions o)
    {
        if (!(o.Tau > 0 && o.Tau <= 1 && o.Alpha > 0 && o.Alpha <= 1))
            throw new AnalysisException($"Influence needs 0 < τ ≤ 1 and 0 < α ≤ 1 (AnalysisOptions.Tau = {o.Tau}, Alpha = {o.Alpha}).", "options");
    }

    public MethodOutput Compute(MethodContext c, CancellationToken cancellationToken)
    {
        var o = c.Options;
        CheckOptions(o);
        int L = c.Layers, T = c.Tokens;
        var traced = c.FlatAttention is { } flat
            ? TracedGraph.Compute<float>(flat, c.Shape, c.Target, o.Tau, o.Alpha, cancellationToken)
            : TracedGraph.Compute(c.PerHead, c.Target, o.Tau, o.Alpha, cancellationToken);
        var influence = new InfluenceScores(
            traced.Scores(T),
            new Matrix(L, T, traced.Influence),
            new Matrix(L, T, traced.Counts),
            traced.Edges.Select(e => new TracedEdge(e.Layer, e.Head, e.From, e.To, e.Weight)).ToArray());
        return new MethodOutput(influence.Scores, influence.ByLayer, influence);
    }
}
