using AttentionLens.Flow;
using AttentionLens.Models;

namespace AttentionLens.Analysis;

/// <summary>Exact max-flow attention flow and its Shapley shares (docs/methods.md#flow); detail: <see cref="FlowScores"/>.</summary>
public sealed class FlowMethod : IAttributionMethod
{
    public string Name => "flow";
    public string Label => "flow (max-flow)";
    public MethodNeeds Needs => MethodNeeds.Attentions;
    public string? Unsupported(MethodContext context) => null;

    public MethodOutput Compute(MethodContext c, CancellationToken cancellationToken)
    {
        int L = c.Layers, T = c.Tokens;
        var byLayer = AttentionFlow.RawByLayer(c.Graph, c.Target, cancellationToken);
        var raw = byLayer.AsSpan((L - 1) * T, T).ToArray();
        var normalised = raw.ToArray();
        AttentionFlow.NormaliseRows(normalised, T);
        AttentionFlow.NormaliseRows(byLayer, T);
        cancellationToken.ThrowIfCancellationRequested();
        var shapley = ShapleyFlow.Compute(c.Graph, c.Target);
        var flow = new FlowScores(raw, normalised, new Matrix(L, T, byLayer), shapley.Values) { ShapleyTotal = shapley.Total };
        return new MethodOutput(normalised, flow.ByLayer, flow);
    }
}
