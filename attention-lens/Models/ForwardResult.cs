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

    private float[]? _attentions;
    private AttentionStore? _store;

    /// <summary>(L, H, T, T) post-mask softmax attention as one float32 array; row i is query i, column j
    /// key j. Every input of ordinary length has it; a long input's pass that kept attention per layer
    /// or in half precision (<see cref="ForwardOptions.AttentionStorage"/>) has only <see cref="AttentionStore"/>.</summary>
    public float[] Attentions
    {
        get => _attentions ?? _store?.Flat ?? throw new AttentionLensException(
            $"this forward pass kept its attention ({Layers} × {Heads} × {Tokens}² values) per layer{(_store?.Storage == Models.AttentionStorage.Float16 ? " in half precision" : "")}, not as one array; read it through ForwardResult.AttentionStore.");
        init => _attentions = value;
    }

    /// <summary>The attention probabilities whatever their storage (<see cref="Models.AttentionStore"/>);
    /// wraps <see cref="Attentions"/> when a caller set only that.</summary>
    public AttentionStore AttentionStore
    {
        get => _store ??= AttentionStore.Wrap(_attentions ?? throw new AttentionLensException("this forward result has no attention."), Layers, Heads, Tokens);
        init => _store = value;
    }

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

    /// <summary>(L, T, H, H) G_j[h, h'] = ⟨f_h(x_j), f_h'(x_j)⟩ per layer and token, when only these were
    /// asked for instead of <see cref="ValueOutputs"/> (<see cref="ForwardOptions.CaptureValueGram"/>), else null.</summary>
    public double[]? ValueGram { get; init; }

    /// <summary>The post-norm encoder terms when <see cref="ForwardOptions.CapturePostNormTerms"/> was set and
    /// the architecture supplies them, else null.</summary>
    public PostNormTerms? PostNormTerms { get; init; }

    /// <summary>The decoders' residual stream when <see cref="ForwardOptions.CaptureResidualStream"/> was set, else null.</summary>
    public ResidualStream? ResidualStream { get; init; }

    /// <summary>The (H, T, T) float32 attention block of layer <paramref name="layer"/> (not for
    /// half-precision storage: read heads with <see cref="AttentionStore"/>.ReadHead).</summary>
    public ReadOnlySpan<float> LayerAttention(int layer) => AttentionStore.Layer(layer);
}
