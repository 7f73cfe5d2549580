using AttentionLens.Flow;
using AttentionLens.Models;

namespace AttentionLens.Analysis;

/// <summary>Raw attention: the target's row of the last layer's head-reduced attention (docs/methods.md#attention).</summary>
public sealed class AttentionMethod : IAttributionMethod
{
    public string Name => "attention";
    public string Label => "raw attention (last layer)";
    public MethodNeeds Needs => MethodNeeds.Attentions;
    public string? Unsupported(MethodContext context) => null;

    public MethodOutput Compute(MethodContext c, CancellationToken cancellationToken)
    {
        int T = c.Tokens;
        var last = new double[T * T];
        if (c.FlatAttention is { } flat) HeadReducer.Reduce<float>(flat, c.Shape, c.Layers - 1, c.Reduction.Aggregate, c.Options.HeadSubset, last);
        else HeadReducer.Reduce(c.PerHead, c.Layers - 1, c.Reduction.Aggregate, c.Options.HeadSubset, last);
        return new MethodOutput(last.AsSpan(c.Target * T, T).ToArray());
    }
}
