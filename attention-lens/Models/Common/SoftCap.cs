namespace AttentionLens.Models;

/// <summary>
/// Logit soft-capping (Gemma 2, Gemma Team 2024 §2): x ↦ cap · tanh(x / cap), which bounds |x| below
/// cap while keeping small values almost unchanged. transformers applies it to the attention scores
/// (<c>attn_logit_softcapping</c>, before the mask) and to the LM logits
/// (<c>final_logit_softcapping</c>), in float32 in that order: divide, tanh, multiply.
/// </summary>
public static class SoftCap
{
    /// <summary>Soft-caps <paramref name="x"/> in place; <paramref name="cap"/> must be positive.</summary>
    public static void Apply(Span<float> x, float cap)
    {
        if (!(cap > 0)) throw new ArgumentOutOfRangeException(nameof(cap), $"soft-cap {cap} must be positive.");
        for (int i = 0; i < x.Length; i++) x[i] = MathF.Tanh(x[i] / cap) * cap;
    }
}
