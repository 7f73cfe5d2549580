using AttentionLens.Tokenizers.Pipeline;

namespace AttentionLens.Tokenizers.PreTokenizers;

/// <summary>A pre-tokenization stage: splits (and may rewrite) the untokenized pieces.</summary>
public interface IPreTokenizer
{
    void PreTokenize(PreTokenizedString text);

    /// <summary>As <see cref="PreTokenize(PreTokenizedString)"/>, observing cancellation; linear-time
    /// stages keep this default (one check before), pattern-driven ones check inside.</summary>
    void PreTokenize(PreTokenizedString text, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        PreTokenize(text);
    }
}
