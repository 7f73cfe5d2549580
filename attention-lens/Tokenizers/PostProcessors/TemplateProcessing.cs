namespace AttentionLens.Tokenizers.PostProcessors;

/// <summary>TemplateProcessing: lays out special tokens and sequences A/B per the single or pair
/// template; a special-token entry may expand to several ids. Sequences take the template's type id
/// even when special tokens are not added.</summary>
public sealed class TemplateProcessing : IPostProcessor
{
    public TemplateProcessing(IReadOnlyList<TemplatePiece> single, IReadOnlyList<TemplatePiece> pair,
        IReadOnlyDictionary<string, (int[] Ids, string[] Tokens)> specialTokens)
    {
        Single = single;
        Pair = pair;
        SpecialTokens = specialTokens;
    }

    public IReadOnlyList<TemplatePiece> Single { get; }
    public IReadOnlyList<TemplatePiece> Pair { get; }
    public IReadOnlyDictionary<string, (int[] Ids, string[] Tokens)> SpecialTokens { get; }

    public EncodingBuilder Process(EncodingBuilder first, EncodingBuilder? second, bool addSpecialTokens)
    {
        var result = new EncodingBuilder();
        foreach (var piece in second is null ? Single : Pair)
        {
            if (piece.IsSpecialToken)
            {
                if (!addSpecialTokens) continue;
                var (ids, tokens) = SpecialTokens[piece.Id];
                for (var k = 0; k < ids.Length; k++) result.Add(ids[k], tokens[k], default, true, piece.TypeId);
            }
            else if (piece.Id == "A")
            {
                result.Append(first, piece.TypeId);
            }
            else if (second is not null)
            {
                result.Append(second, piece.TypeId);
            }
        }
        return result;
    }
}
