using AttentionLens.Models;

namespace AttentionLens.Analysis;

/// <summary>
/// Integrated gradients (Sundararajan, Taly &amp; Yan 2017, eq. 1 and §5; docs/methods.md#integratedgradients)
/// over the word embeddings: a_i = Σ_c (x_ic − x′_ic) · ∫₀¹ ∂y/∂e_ic (x′ + α(x − x′)) dα, the integral by the
/// midpoint Riemann rule with m points α_k = (k − ½)/m. Scores are a_i (signed). Completeness (their
/// Prop. 1): Σ_i a_i = f(x) − f(x′) for the exact integral; the gap of the m-point sum is reported in the
/// detail record. Costs m + 2 forward and backward passes (the path, the input, the baseline); the m path points
/// go as <see cref="GradientOptions.PathInputsEmbeds"/>, batched b·T rows at a time by the bodies that keep their
/// intermediates (<see cref="IBatchedDifferentiableBody"/>; b from <see cref="GradientOptions.KeptActivationsBudgetBytes"/>),
/// one after another when they do not fit.
/// </summary>
public sealed class IntegratedGradientsMethod : IAttributionMethod
{
    public string Name => "integratedGradients";
    public string Label => "integrated gradients";
    public MethodNeeds Needs => MethodNeeds.Gradients | MethodNeeds.ExtraForwardPasses;

    public void CheckOptions(AnalysisOptions options)
    {
        if (options.IgSteps < 1)
            throw new AnalysisException($"integrated gradients needs at least one step (IgSteps = {options.IgSteps}).", "igSteps");
        if (options.IgBaseline != IntegratedGradientsBaseline.Zero && options.IgBaselineTokenId is not >= 0)
            throw new AnalysisException($"integrated gradients' {options.IgBaseline.ToString().ToLowerInvariant()} baseline needs the token's id (IgBaselineTokenId); this tokenizer may have no such token — use the zero baseline.", "igBaseline");
    }

    public string? Unsupported(MethodContext context)
    {
        if (GradientTargets.Unsupported(context) is { } why) return why;
        int passes = context.Options.IgSteps + 2;
        return passes > context.Options.MaxExtraPasses
            ? $"Integrated gradients would run {passes} forward and backward passes (steps + 2), more than AnalysisOptions.MaxExtraPasses = {context.Options.MaxExtraPasses}; use fewer steps."
            : null;
    }

    public MethodOutput Compute(MethodContext c, CancellationToken cancellationToken)
    {
        var model = (IDifferentiableModel)c.Model;
        var prediction = GradientTargets.Prediction(c);
        var target = GradientTargets.Of(prediction);
        var plain = new GradientOptions { AttentionGradients = false };
        // f(x) and x itself from the input's own pass.
        var atInput = model.Gradient(c.Input, target, plain, cancellationToken);
        int T = atInput.Tokens, C = GradientTargets.EmbeddingWidth(atInput), m = c.Options.IgSteps;
        var x = atInput.InputsEmbeds;
        var baseline = Baseline(model, c, target, T, C, cancellationToken);
        var atBaseline = model.Gradient(c.Input, target, plain with { InputsEmbeds = baseline }, cancellationToken);

        // Σ_k ∂y/∂e at x′ + α_k (x − x′), α_k = (k − ½)/m, accumulated in double. The points go to the backward
        // MaxBatch at a time (IDifferentiableModel.GradientPath): bodies with kept intermediates run each group
        // as one batch of b·T rows (b from the memory budget), one point after another when over it.
        var sum = new double[T * C];
        int chunk = Math.Max(1, GradientOptions.Default.MaxBatch);
        for (int first = 1; first <= m; first += chunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var points = new float[Math.Min(chunk, m - first + 1)][];
            for (int j = 0; j < points.Length; j++)
            {
                double alpha = (first + j - 0.5) / m;
                var point = points[j] = new float[T * C];
                for (int q = 0; q < point.Length; q++) point[q] = (float)(baseline[q] + alpha * ((double)x[q] - baseline[q]));
            }
            foreach (var p in model.GradientPath(c.Input, target, points, cancellationToken: cancellationToken))
                for (int q = 0; q < sum.Length; q++) sum[q] += p.GradInputsEmbeds[q];
        }
        var scores = new double[T];
        double total = 0;
        for (int i = 0; i < T; i++)
        {
            double a = 0;
            for (int q = i * C; q < (i + 1) * C; q++) a += ((double)x[q] - baseline[q]) * sum[q] / m;
            scores[i] = a;
            total += a;
        }
        double difference = (double)atInput.Value - atBaseline.Value;
        double gap = total - difference;
        var detail = new GradientDetail(prediction.Description, atInput.Value)
        {
            Baseline = c.Options.IgBaseline.ToString().ToLowerInvariant(),
            Steps = m,
            Rule = "midpoint",
            BaselineValue = atBaseline.Value,
            AttributionSum = total,
            CompletenessGap = gap,
            RelativeGap = difference == 0 ? double.NaN : gap / Math.Abs(difference),
        };
        return new MethodOutput(scores, Detail: detail);
    }

    /// <summary>x′ (T, C): zeros, or the baseline token's word embedding in every row (read from a
    /// one-token pass over that id, whose <c>inputs_embeds</c> is the embedding-table row).</summary>
    private static float[] Baseline(IDifferentiableModel model, MethodContext c, GradientTarget target, int tokens, int hidden, CancellationToken cancellationToken)
    {
        var baseline = new float[tokens * hidden];
        if (c.Options.IgBaseline == IntegratedGradientsBaseline.Zero) return baseline;
        int id = c.Options.IgBaselineTokenId!.Value;
        var one = new ForwardInput([id], c.Input.TokenTypeIds is null ? null : [0]);
        var row = model.Gradient(one, target with { Position = 0, Index = target.Output is GradientOutput.QaStartLogits or GradientOutput.QaEndLogits ? 0 : target.Index },
            new GradientOptions { AttentionGradients = false }, cancellationToken).InputsEmbeds;
        if (row.Length != hidden)
            throw new AnalysisException($"The backward pass returned a {row.Length}-wide embedding for token {id}; expected {hidden}.");
        for (int i = 0; i < tokens; i++) row.AsSpan().CopyTo(baseline.AsSpan(i * hidden, hidden));
        return baseline;
    }
}
