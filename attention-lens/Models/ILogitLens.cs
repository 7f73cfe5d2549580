namespace AttentionLens.Models;

/// <summary>
/// A model whose unembedding can read any layer's residual stream (the logit lens, nostalgebraist
/// 2020; docs/methods.md#logitlens): logits = head(final norm(h)). Causal LMs apply their final
/// norm (GPT-2 ln_f, LLaMA norm) and the LM head; masked LMs, which have no final norm, apply their
/// prediction head (transform, LayerNorm, decoder).
/// </summary>
public interface ILogitLens
{
    /// <summary>(rows, V) logits for (rows, C) residual-stream states that have not passed the final norm.</summary>
    float[] LensLogits(ReadOnlySpan<float> residual, int rows);
}
