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
        if (forward.ValueOutputs is null && forward.ValueGram is null)
            throw new AnalysisException("The model returned no value outputs (ForwardResult.ValueOutputs), which value-weighted norms need; this architecture does not support them yet.");
        var shape = c.Shape;
        int L = shape.Layers, T = shape.Tokens, nn = T * T, H = shape.Heads, target = c.Target;
        // Ordinary inputs: value outputs and one float32 attention array, the exact path. Long inputs:
        // the forward kept the value outputs' Grams only (ForwardOptions.CaptureValueGram) and attention
        // per layer, maybe in half precision.
        var flat = c.FlatAttention;
        var v = forward.ValueOutputs is { } values && flat is not null
            ? ValueWeightedAttention.Compute<float>(flat, values, shape, forward.Hidden, cancellationToken)
            : ValueWeightedAttention.FromGram(c.PerHead, forward.ValueGram ?? throw new AnalysisException("This forward pass kept attention per layer but value outputs as one array; run it with Analyzer.ForwardOptionsFor(options, model.Info, tokens), which asks for value Grams."), cancellationToken);
        var norms = new Matrix[L];
        for (int l = 0; l < L; l++) norms[l] = new Matrix(T, T, v.Norms.AsSpan(l * nn, nn).ToArray());
        var scores = v.Norms.AsSpan((L - 1) * nn + target * T, T).ToArray();
        AttentionFlow.NormaliseRows(scores, T);
        var weighted = new double[L * H * T];
        for (int l = 0; l < L; l++)
        {
            if (flat is not null) ValueWeightedAttention.WeightedHeadNorms<float>(flat, v.HeadValueNorms, shape, l, target, weighted.AsSpan(l * H * T, H * T));
            else ValueWeightedAttention.WeightedHeadNorms(c.PerHead, v.HeadValueNorms, l, target, weighted.AsSpan(l * H * T, H * T));
        }
        var detail = new ValueNormScores(norms, new Matrix(L * H, T, v.HeadValueNorms), new Matrix(L, T, v.Received), new Matrix(L, T, v.Emitted), scores)
        {
            TargetWeightedHeadNorms = new Matrix(L * H, T, weighted),
        };
        return new MethodOutput(scores, null, detail);
    }
}
