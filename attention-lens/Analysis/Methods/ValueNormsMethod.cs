using AttentionLens.Flow;
using AttentionLens.Models;

namespace AttentionLens.Analysis;

/// <summary>Value-weighted attention norms (Kobayashi et al. 2020; docs/methods.md#valuenorms); detail: <see cref="ValueNormScores"/>.</summary>
public sealed class ValueNormsMethod : IAttributionMethod
{
    public string Name => "valueNorms";
    public string Label => "value-weighted norms";
    public MethodNeeds Needs => MethodNeeds.ValueOutputs;
    public string? Unsupported(MethodContext context) => null;

    public MethodOutput Compute(MethodContext c, CancellationToken cancellationToken)
    {
        var forward = c.Forward;
        if (forward.ValueOutputs is null)
            throw new AnalysisException("The model returned no value outputs (ForwardResult.ValueOutputs), which value-weighted norms need; this architecture does not support them yet.");
        var shape = c.Shape;
        int L = shape.Layers, T = shape.Tokens, nn = T * T, H = shape.Heads, target = c.Target;
        var v = ValueWeightedAttention.Compute<float>(forward.Attentions, forward.ValueOutputs, shape, forward.Hidden, cancellationToken);
        var norms = new Matrix[L];
        for (int l = 0; l < L; l++) norms[l] = new Matrix(T, T, v.Norms.AsSpan(l * nn, nn).ToArray());
        var scores = v.Norms.AsSpan((L - 1) * nn + target * T, T).ToArray();
        AttentionFlow.NormaliseRows(scores, T);
        var weighted = new double[L * H * T];
        for (int l = 0; l < L; l++)
            ValueWeightedAttention.WeightedHeadNorms<float>(forward.Attentions, v.HeadValueNorms, shape, l, target, weighted.AsSpan(l * H * T, H * T));
        var detail = new ValueNormScores(norms, new Matrix(L * H, T, v.HeadValueNorms), new Matrix(L, T, v.Received), new Matrix(L, T, v.Emitted), scores)
        {
            TargetWeightedHeadNorms = new Matrix(L * H, T, weighted),
        };
        return new MethodOutput(scores, null, detail);
    }
}
