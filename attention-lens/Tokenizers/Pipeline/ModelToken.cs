namespace AttentionLens.Tokenizers.Pipeline;

/// <summary>A token produced inside one piece: id, piece text, and its [Start, End) in the piece's
/// normalized text (UTF-16 units).</summary>
public readonly record struct ModelToken(int Id, string Value, int Start, int End);
