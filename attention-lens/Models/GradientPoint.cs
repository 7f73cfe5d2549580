namespace AttentionLens.Models;

/// <summary>y and ∂y/∂inputs_embeds (T, E) at one of <see cref="GradientOptions.PathInputsEmbeds"/>.</summary>
public sealed record GradientPoint(float Value, float[] GradInputsEmbeds);
