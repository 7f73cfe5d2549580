namespace AttentionLens.Tokenizers.PostProcessors;

/// <summary>RoBERTa: <c>&lt;s&gt; A &lt;/s&gt;</c> and <c>&lt;s&gt; A &lt;/s&gt;&lt;/s&gt; B &lt;/s&gt;</c>,
/// all type ids 0, after trimming spaces off the offsets when <see cref="TrimOffsets"/>.</summary>
public sealed class RobertaProcessing : IPostProcessor
{
    public RobertaProcessing((string Token, int Id) sep, (string Token, int Id) cls, bool trimOffsets = true, bool addPrefixSpace = true)
    {
        Sep = sep;
        Cls = cls;
        TrimOffsets = trimOffsets;
        AddPrefixSpace = addPrefixSpace;
    }

    public (string Token, int Id) Sep { get; }
    public (string Token, int Id) Cls { get; }
    public bool TrimOffsets { get; }
    public bool AddPrefixSpace { get; }

    public EncodingBuilder Process(EncodingBuilder first, EncodingBuilder? second, bool addSpecialTokens)
    {
        if (TrimOffsets)
        {
            ByteLevelOffsets.Trim(first, AddPrefixSpace);
            if (second is not null) ByteLevelOffsets.Trim(second, AddPrefixSpace);
        }
        var result = new EncodingBuilder();
        if (!addSpecialTokens)
        {
            result.Append(first);
            if (second is not null) result.Append(second);
            return result;
        }
        result.Add(Cls.Id, Cls.Token, default, true, 0);
        result.Append(first, 0);
        result.Add(Sep.Id, Sep.Token, default, true, 0);
        if (second is null) return result;
        result.Add(Sep.Id, Sep.Token, default, true, 0);
        result.Append(second, 0);
        result.Add(Sep.Id, Sep.Token, default, true, 0);
        return result;
    }
}
