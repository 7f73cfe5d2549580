namespace AttentionLens.Tokenizers.PostProcessors;

/// <summary>ByteLevel post-processor: adds no token; trims spaces off offsets when <see cref="TrimOffsets"/>.</summary>
public sealed class ByteLevelProcessing : IPostProcessor
{
    public ByteLevelProcessing(bool trimOffsets, bool addPrefixSpace)
    {
        TrimOffsets = trimOffsets;
        AddPrefixSpace = addPrefixSpace;
    }

    public bool TrimOffsets { get; }
    public bool AddPrefixSpace { get; }

    public EncodingBuilder Process(EncodingBuilder first, EncodingBuilder? second, bool addSpecialTokens)
    {
        if (TrimOffsets)
        {
            ByteLevelOffsets.Trim(first, AddPrefixSpace);
            if (second is not null) ByteLevelOffsets.Trim(second, AddPrefixSpace);
        }
        if (second is not null) first.Append(second);
        return first;
    }
}
