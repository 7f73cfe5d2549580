namespace AttentionLens.Tokenizers.PostProcessors;

/// <summary>Applies post-processors in order: the first gets (A, B), the rest the merged result.</summary>
public sealed class SequenceProcessing : IPostProcessor
{
    public SequenceProcessing(IReadOnlyList<IPostProcessor> processors) => Processors = processors;

    public IReadOnlyList<IPostProcessor> Processors { get; }

    public EncodingBuilder Process(EncodingBuilder first, EncodingBuilder? second, bool addSpecialTokens)
    {
        var current = first;
        var pair = second;
        foreach (var p in Processors)
        {
            current = p.Process(current, pair, addSpecialTokens);
            pair = null;
        }
        if (pair is not null) current.Append(pair);
        return current;
    }
}
