namespace AttentionLens.Analysis;

/// <summary>What a method returns for one target.</summary>
/// <param name="Scores">(T) per input token; larger means more important for the target. Null for a
/// method that explains something other than tokens (the logit lens: its detail is per layer).</param>
/// <param name="ByLayer">(L × T) row l−1: the target's scores after layer l, where the method has them.</param>
/// <param name="Detail">A method-specific record (flow's Shapley shares, influence's edges…), or null.</param>
public sealed record MethodOutput(double[]? Scores, Matrix? ByLayer = null, object? Detail = null);
