using AttentionLens.Tokenizers.Pipeline;

namespace AttentionLens.Tokenizers.PreTokenizers;

/// <summary>Applies pre-tokenizers in order.</summary>
public sealed class SequencePreTokenizer : IPreTokenizer
{
    public SequencePreTokenizer(IReadOnlyList<IPreTokenizer> preTokenizers) => PreTokenizers = preTokenizers;

    public IReadOnlyList<IPreTokenizer> PreTokenizers { get; }

    public void PreTokenize(PreTokenizedString text)
    {
        foreach (var p in PreTokenizers) p.PreTokenize(text);
    }

    public void PreTokenize(PreTokenizedString text, CancellationToken cancellationToken)
    {
        foreach (var p in PreTokenizers) p.PreTokenize(text, cancellationToken);
    }
}
