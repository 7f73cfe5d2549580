namespace AttentionLens.Analysis;

/// <summary>What the caller wants explained instead of the model's own prediction.</summary>
/// <param name="Label">A class id (sequence or token classification) or a token id (LMs) to explain
/// instead of the argmax; null = the predicted one.</param>
/// <param name="SpanEnd">Extractive QA: explain the end of the predicted span instead of its start.</param>
public sealed record PredictionChoice(int? Label = null, bool SpanEnd = false)
{
    public static PredictionChoice Predicted { get; } = new();
}
