namespace AttentionLens.Analysis;

/// <summary>
/// Input × gradient (Shrikumar et al. 2016; Kindermans et al. 2016; docs/methods.md#inputxgradient):
/// score_i = Σ_c e_ic · ∂y/∂e_ic, the dot product of token i's word embedding with its gradient — the
/// first-order Taylor estimate of how much y would move if e_i were set to zero. Signed (negative: the
/// token speaks against the prediction); summed over the hidden dimension, not normed. One forward and
/// backward pass.
/// </summary>
public sealed class InputXGradientMethod : IAttributionMethod
{
    public string Name => "inputXGradient";
    public string Label => "input × gradient";
    public MethodNeeds Needs => MethodNeeds.Gradients;
    public string? Unsupported(MethodContext context) => GradientTargets.Unsupported(context);

    public MethodOutput Compute(MethodContext c, CancellationToken cancellationToken)
    {
        var (g, prediction) = c.Gradients.Get(c, cancellationToken);
        return new MethodOutput(Dot(g.InputsEmbeds, g.GradInputsEmbeds, g.Tokens, GradientTargets.EmbeddingWidth(g)), Detail: new GradientDetail(prediction.Description, g.Value));
    }

    /// <summary>(T) Σ_c x[i, c]·y[i, c] of two (T, C) row-major arrays, in double.</summary>
    public static double[] Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y, int tokens, int hidden)
    {
        var scores = new double[tokens];
        for (int i = 0; i < tokens; i++)
        {
            double s = 0;
            var xi = x.Slice(i * hidden, hidden);
            var yi = y.Slice(i * hidden, hidden);
            for (int k = 0; k < hidden; k++) s += (double)xi[k] * yi[k];
            scores[i] = s;
        }
        return scores;
    }
}
