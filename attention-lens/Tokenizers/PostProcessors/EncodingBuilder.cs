namespace AttentionLens.Tokenizers.PostProcessors;

/// <summary>The mutable form of an encoding while the pipeline assembles it (Rust <c>Encoding</c>).</summary>
public sealed class EncodingBuilder
{
    public List<int> Ids { get; } = new();
    public List<string> Tokens { get; } = new();
    public List<TextRange> Offsets { get; } = new();
    public List<bool> Special { get; } = new();
    public List<int> TypeIds { get; } = new();

    public int Count => Ids.Count;

    public void Add(int id, string token, TextRange offsets, bool special, int typeId)
    {
        Ids.Add(id);
        Tokens.Add(token);
        Offsets.Add(offsets);
        Special.Add(special);
        TypeIds.Add(typeId);
    }

    /// <summary>Appends every token of <paramref name="other"/>, optionally overriding its type id.</summary>
    public void Append(EncodingBuilder other, int? typeId = null)
    {
        for (var i = 0; i < other.Count; i++)
            Add(other.Ids[i], other.Tokens[i], other.Offsets[i], other.Special[i], typeId ?? other.TypeIds[i]);
    }

    public void SetTypeIds(int typeId)
    {
        for (var i = 0; i < TypeIds.Count; i++) TypeIds[i] = typeId;
    }

    public Encoding ToEncoding()
    {
        var tokens = new Token[Count];
        for (var i = 0; i < tokens.Length; i++)
            tokens[i] = new Token(Ids[i], Tokens[i], Offsets[i], Special[i], TypeIds[i]);
        return new Encoding(tokens);
    }
}
