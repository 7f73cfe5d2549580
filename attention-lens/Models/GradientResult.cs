namespace AttentionLens.Models;

/// <summary>
/// One forward and backward pass: the target's value and its gradients, flat row-major
/// (L layers, H heads, T tokens, C hidden — the shapes of <see cref="ForwardResult"/>).
/// </summary>
public sealed class GradientResult
{
    public required int Layers { get; init; }
    public required int Heads { get; init; }
    public required int Tokens { get; init; }
    public required int Hidden { get; init; }

    /// <summary>Width of an <see cref="InputsEmbeds"/> row: <see cref="Hidden"/>, or the embedding size E of models that
    /// project their word embeddings (ELECTRA, ALBERT, DeBERTa-v2 with embedding_size, OPT's word_embed_proj_dim).</summary>
    public int EmbeddingSize => InputsEmbeds.Length / Tokens;

    /// <summary>y, the differentiated scalar (see <see cref="GradientTarget"/>).</summary>
    public required float Value { get; init; }

    /// <summary>(T, <see cref="EmbeddingSize"/>) the word embeddings the pass used (<c>inputs_embeds</c>).</summary>
    public required float[] InputsEmbeds { get; init; }

    /// <summary>∂y/∂inputs_embeds, shaped as <see cref="InputsEmbeds"/>.</summary>
    public required float[] GradInputsEmbeds { get; init; }

    /// <summary>(L, H, T, T) the attention probabilities of the pass, when attention gradients were asked for.</summary>
    public float[]? Attentions { get; init; }

    /// <summary>(L, H, T, T) ∂y/∂A, the gradient with respect to each layer's post-softmax attention
    /// probabilities (as PyTorch gives for <c>output_attentions</c> tensors with <c>retain_grad</c>), when asked for.</summary>
    public float[]? GradAttentions { get; init; }

    /// <summary>Sequences the forward ran together keeping every layer's intermediates (<see cref="GradientOptions.KeptActivationsBudgetBytes"/>);
    /// 0 when the backward recomputed each layer from its input instead (per-layer checkpointing).</summary>
    public int BatchSize { get; init; }

    /// <summary>One entry per <see cref="GradientOptions.PathInputsEmbeds"/> row block, in order, when those were given.</summary>
    public IReadOnlyList<GradientPoint>? Points { get; init; }
}
