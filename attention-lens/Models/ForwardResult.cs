namespace AttentionLens.Models;

/// <summary>
/// Everything one forward pass computed, as flat row-major arrays (shape glossary: L layers,
/// H heads, T tokens, C hidden, V vocab).
/// </summary>
public sealed class ForwardResult
{
    public required int Layers { get; init; }
    public required int Heads { get; init; }
    public required int Tokens { get; init; }
    public required int Hidden { get; init; }

    /// <summary>(L, H, T, T) post-mask softmax attention; row i is query i, column j key j.</summary>
    public required float[] Attentions { get; init; }

    /// <summary>(L+1, T, C); index 0 is the embedding output, the last is after the final norm
    /// where the model has one (gpt2 ln_f, llama norm), as <c>transformers</c> returns.</summary>
    public required float[] HiddenStates { get; init; }

    /// <summary>(T, V) language-model logits, or null when the model has no LM head.</summary>
    public float[]? Logits { get; init; }

    /// <summary>(NumLabels) sequence-classification logits, or null when there is no classifier.</summary>
    public float[]? ClassifierLogits { get; init; }

    /// <summary>(T, NumLabels) token-classification logits, or null when there is no token classifier.</summary>
    public float[]? TokenClassifierLogits { get; init; }

    /// <summary>(T) extractive-QA span-start logits, or null when there is no QA head.</summary>
    public float[]? StartLogits { get; init; }

    /// <summary>(T) extractive-QA span-end logits, or null when there is no QA head.</summary>
    public float[]? EndLogits { get; init; }

    /// <summary>(C) pooler output (BERT-style models), or null.</summary>
    public float[]? PooledOutput { get; init; }

    /// <summary>(L, H, T, C) f_h(x_j) = (x_j W_V^h + b_V^h) W_O^h when requested, else null.</summary>
    public float[]? ValueOutputs { get; init; }

    /// <summary>The post-norm encoder terms when <see cref="ForwardOptions.CapturePostNormTerms"/> was set and
    /// the architecture supplies them, else null.</summary>
    public PostNormTerms? PostNormTerms { get; init; }

    /// <summary>The decoders' residual stream when <see cref="ForwardOptions.CaptureResidualStream"/> was set, else null.</summary>
    public ResidualStream? ResidualStream { get; init; }

    /// <summary>The (H, T, T) attention block of layer <paramref name="layer"/>.</summary>
    public ReadOnlySpan<float> LayerAttention(int layer) =>
        Attentions.AsSpan(layer * Heads * Tokens * Tokens, Heads * Tokens * Tokens);
}
