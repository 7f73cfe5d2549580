namespace AttentionLens.Generation;

/// <summary>One generated token.</summary>
/// <param name="Id">Its vocabulary id.</param>
/// <param name="Probability">Its probability under the model, softmax(logits) at temperature 1,
/// whatever the sampler drew from.</param>
public sealed record GeneratedToken(int Id, double Probability);
