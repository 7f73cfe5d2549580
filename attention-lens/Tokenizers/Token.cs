namespace AttentionLens.Tokenizers;

/// <summary>One token: its id, its piece text, where it came from in the original text, whether
/// the post-processor put it there (the reference's special_tokens_mask: a special token written
/// literally in the text is matched to its id but is not marked), and its segment (0 text, 1 pair).</summary>
public sealed record Token(int Id, string Text, TextRange Source, bool IsSpecial, int TypeId = 0);
