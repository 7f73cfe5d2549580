namespace AttentionLens.Tokenizers.PostProcessors;

/// <summary>BERT: <c>[CLS] A [SEP]</c> and <c>[CLS] A [SEP] B [SEP]</c>, the B part with type id 1.</summary>
public sealed class BertProcessing : IPostProcessor
{
    public BertProcessing((string Token, int Id) sep, (string Token, int Id) cls)
    {
        Sep = sep;
        Cls = cls;
    }

    public (string Token, int Id) Sep { get; }
    public (string Token, int Id) Cls { get; }

    public EncodingBuilder Process(EncodingBuilder first, EncodingBuilder? second, bool addSpecialTokens)
    {
        var result = new EncodingBuilder();
        if (addSpecialTokens) result.Add(Cls.Id, Cls.Token, default, true, 0);
        result.Append(first, 0);
        if (addSpecialTokens) result.Add(Sep.Id, Sep.Token, default, true, 0);
        if (second is null) return result;
        result.Append(second, 1);
        if (addSpecialTokens) result.Add(Sep.Id, Sep.Token, default, true, 1);
        return result;
    }
}
