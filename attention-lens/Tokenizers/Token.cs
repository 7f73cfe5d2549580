namespace AttentionLens.Tokenizers;

/// <summary>One token: its id, its piece text, where it came from in the original text, whether
/// the post-processor or an added special token put it there, and its segment (0 text, 1 pair).</summary>
public sealed record Token(int Id, string Text, TextRange Source, bool IsSpecial, int TypeId = 0);
