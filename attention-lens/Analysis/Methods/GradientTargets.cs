using AttentionLens.Models;

namespace AttentionLens.Analysis;

/// <summary>
/// The scalar y the gradient methods differentiate: the analysis's own prediction
/// (<see cref="PredictionTarget"/>), as a <see cref="GradientTarget"/> of the backward pass
/// (docs/methods.md#gradients). The same quantity occlusion and AOPC measure:
/// <list type="bullet">
/// <item>causal and masked LMs: the log-probability of the explained token at the target
/// (log softmax, so the vocabulary's common offset does not enter);</item>
/// <item>sequence and token classification: the explained label's logit (as the occlusion practice of
/// the seed papers compares classifiers);</item>
/// <item>extractive QA: the start (or end) logit at the predicted span's start (or end);</item>
/// <item>with a contrast B: the logit difference z[A] − z[B] for every head that has one (for LMs it
/// equals log p(A) − log p(B)).</item>
/// </list>
/// A bare body has no prediction to differentiate.
/// </summary>
public static class GradientTargets
{
    /// <summary>Why the gradient methods cannot run on this model and pass, or null.</summary>
    public static string? Unsupported(MethodContext c)
    {
        if (!Models.Gradients.IsDifferentiable(c.Model))
            return $"{c.Model.Info.Architecture} has no backward pass yet (no IDifferentiableModel support), so gradient methods cannot run on it.";
        bool heads = c.Forward.Logits is not null || c.Forward.ClassifierLogits is { Length: > 0 } || c.Forward.TokenClassifierLogits is not null
            || (c.Forward.StartLogits is not null && c.Forward.EndLogits is not null);
        return heads ? null : $"{c.Model.Info.Architecture} is a bare body without a head: there is no prediction to differentiate.";
    }

    /// <summary>The prediction the analysis explains, chosen on its forward pass.</summary>
    public static PredictionTarget Prediction(MethodContext c) =>
        PredictionTarget.Of(c.Model.Info, c.Forward, c.Input, c.Target, c.Options.Prediction);

    /// <summary>The backward pass's target for <paramref name="p"/>.</summary>
    public static GradientTarget Of(PredictionTarget p)
    {
        int? contrast = p.Contrast?.Index;
        return p.Head switch
        {
            ModelHead.CausalLM or ModelHead.MaskedLM => new GradientTarget(GradientOutput.LmLogits, p.Position, p.Index, contrast, LogProbability: contrast is null),
            ModelHead.SequenceClassification => new GradientTarget(GradientOutput.ClassifierLogits, p.Position, p.Index, contrast),
            ModelHead.TokenClassification => new GradientTarget(GradientOutput.TokenClassifierLogits, p.Position, p.Index, contrast),
            ModelHead.QuestionAnswering => new GradientTarget(p.Label == "end" ? GradientOutput.QaEndLogits : GradientOutput.QaStartLogits, p.Position, p.Position),
            _ => throw new AnalysisException("A bare body has no prediction to differentiate.", "methods"),
        };
    }

    /// <summary>The width of the word embeddings the backward pass differentiated (inputs_embeds is T × E; E may
    /// differ from the hidden size C, as in ELECTRA's projected embeddings).</summary>
    public static int EmbeddingWidth(GradientResult g) => g.InputsEmbeds.Length / g.Tokens;

    /// <summary>True when a requested method needs ∂y/∂A (attention × gradient, gradient-weighted rollout).</summary>
    public static bool WantsAttentionGradients(AnalysisOptions options) =>
        options.Methods.Any(m => MethodRegistry.Find(m.Name) is { } method && method.Needs.HasFlag(MethodNeeds.AttentionGradients));
}
