namespace AttentionLens.Tokenizers.PostProcessors;

/// <summary>The mutable form of an encoding while the pipeline assembles it (Rust <c>Encoding</c>):
/// a list of immutable tokens; a post-processor that changes one replaces it.</summary>
public sealed class EncodingBuilder
{
    public List<Token> Tokens { get; } = new();

    public int Count => Tokens.Count;

    public void Add(int id, string token, TextRange offsets, bool special, int typeId) =>
        Tokens.Add(new Token(id, token, offsets, special, typeId));

    /// <summary>Appends every token of <paramref name="other"/>, optionally overriding its type id.</summary>
    public void Append(EncodingBuilder other, int? typeId = null)
    {
        if (typeId is not int type)
        {
            Tokens.AddRange(other.Tokens);
            return;
        }
        foreach (var t in other.Tokens) Tokens.Add(t.TypeId == type ? t : t with { TypeId = type });
    }

    public void SetOffsets(int index, TextRange offsets) => Tokens[index] = Tokens[index] with { Source = offsets };

    public Encoding ToEncoding() => new(Tokens.ToArray());
}
