using AttentionLens.Flow;
using AttentionLens.Models;

namespace AttentionLens.Analysis;

/// <summary>Attention rollout (Abnar &amp; Zuidema 2020; docs/methods.md#rollout). Its detail is the full
/// (T × T) product, which the analysis result keeps as <see cref="AnalysisResult.Rollout"/>.</summary>
public sealed class RolloutMethod : IAttributionMethod
{
    public string Name => "rollout";
    public string Label => "rollout";
    public MethodNeeds Needs => MethodNeeds.Attentions;
    public string? Unsupported(MethodContext context) => null;

    public MethodOutput Compute(MethodContext c, CancellationToken cancellationToken)
    {
        int L = c.Layers, T = c.Tokens;
        var byLayer = new double[L * T];
        var rollout = Rollout.Final(c.Graph, c.Target, byLayer, cancellationToken);
        var full = new Matrix(T, T, rollout);
        return new MethodOutput(rollout.AsSpan(c.Target * T, T).ToArray(), new Matrix(L, T, byLayer), full);
    }
}
