namespace AttentionLens.Tokenizers.PostProcessors;

/// <summary>A post-processing stage: adds the special tokens around a sequence (or pair), sets type
/// ids and may adjust offsets. Without special tokens it still merges the pair.</summary>
public interface IPostProcessor
{
    EncodingBuilder Process(EncodingBuilder first, EncodingBuilder? second, bool addSpecialTokens);
}
