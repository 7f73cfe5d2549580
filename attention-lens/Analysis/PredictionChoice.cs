namespace AttentionLens.Analysis;

/// <summary>What the caller wants explained instead of the model's own prediction.</summary>
/// <param name="Label">A class id (sequence or token classification) or a token id (LMs) to explain
/// instead of the argmax; null = the predicted one.</param>
/// <param name="SpanEnd">Extractive QA: explain the end of the predicted span instead of its start.</param>
/// <param name="Contrast">The alternative B of a contrastive explanation, "why A rather than B" (Yin &amp; Neubig
/// 2022): a class id (classifiers) or a vocabulary id (LMs). The explained quantity becomes the logit
/// difference z[A] − z[B] (docs/methods.md#contrastive); null = not contrastive.</param>
public sealed record PredictionChoice(int? Label = null, bool SpanEnd = false, int? Contrast = null)
{
    public static PredictionChoice Predicted { get; } = new();
}
