using AttentionLens.Tokenizers.Pipeline;

namespace AttentionLens.Tokenizers.PreTokenizers;

/// <summary>A pre-tokenization stage: splits (and may rewrite) the untokenized pieces.</summary>
public interface IPreTokenizer
{
    void PreTokenize(PreTokenizedString text);
}
