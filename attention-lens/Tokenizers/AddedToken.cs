namespace AttentionLens.Tokenizers;

/// <summary>A token added on top of the model's vocabulary (Rust <c>AddedToken</c>): matched in the
/// text before the model runs. <see cref="Normalized"/>: matched in the normalized text (else in the
/// original); <see cref="Lstrip"/>/<see cref="Rstrip"/>: the match swallows whitespace on that side;
/// <see cref="SingleWord"/>: only matched between word boundaries; <see cref="Special"/>: skipped by
/// <c>decode(skip_special_tokens)</c>.</summary>
public sealed record AddedToken(
    int Id,
    string Content,
    bool Special,
    bool SingleWord = false,
    bool Lstrip = false,
    bool Rstrip = false,
    bool Normalized = false);
