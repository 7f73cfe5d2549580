namespace AttentionLens.Analysis;

/// <summary>The baseline x′ of integrated gradients (docs/methods.md#integratedgradients): every position's
/// word embedding (<c>inputs_embeds</c>) replaced by zeros, or by the embedding of one token
/// (<see cref="AnalysisOptions.IgBaselineTokenId"/>: the tokenizer's pad or mask token). Position and token-type
/// embeddings, the attention mask and the input ids the head reads stay those of the input.</summary>
public enum IntegratedGradientsBaseline
{
    /// <summary>The all-zero embedding (Sundararajan et al. 2017, §3, for text models).</summary>
    Zero,
    /// <summary>The pad token's embedding at every position.</summary>
    Pad,
    /// <summary>The mask token's embedding at every position (masked LMs).</summary>
    Mask,
}
