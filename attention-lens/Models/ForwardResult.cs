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

    /// <summary>(T, V) language-model logits, or null when the model has no LM head; (R, V) for
    /// the R positions of <see cref="LogitRows"/> when only those were asked for.</summary>
    public float[]? Logits { get; init; }

    /// <summary>The positions the rows of <see cref="Logits"/> belong to, or null when it has every position.</summary>
    public int[]? LogitRows { get; init; }

    /// <summary>The V logits of <paramref name="position"/>, whether all rows or only some were computed.</summary>
    public ReadOnlySpan<float> LogitsAt(int position)
    {
        var logits = Logits ?? throw new AttentionLensException("this forward pass computed no LM logits (the model has no LM head, or they were not asked for).");
        int row = position;
        if (LogitRows is { } rows)
        {
            row = Array.IndexOf(rows, position);
            if (row < 0) throw new AttentionLensException($"the logits of position {position} were not computed; this pass computed positions {string.Join(", ", rows)} only (ForwardOptions.LogitRows).");
        }
        else if ((uint)position >= (uint)Tokens) throw new AttentionLensException($"position {position} is outside the {Tokens} tokens of this pass.");
        int vocab = logits.Length / (LogitRows?.Length ?? Tokens);
        return logits.AsSpan(row * vocab, vocab);
    }

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
