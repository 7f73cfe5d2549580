namespace AttentionLens.Tokenizers;

/// <summary>The immutable result of encoding a text (and optional pair).</summary>
public sealed class Encoding
{
    public Encoding(IReadOnlyList<Token> tokens) => Tokens = tokens;

    public IReadOnlyList<Token> Tokens { get; }

    public int Count => Tokens.Count;

    public int[] Ids => Tokens.Select(t => t.Id).ToArray();

    public int[] TypeIds => Tokens.Select(t => t.TypeId).ToArray();
}
