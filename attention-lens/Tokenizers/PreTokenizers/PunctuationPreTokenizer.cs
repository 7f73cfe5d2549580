using AttentionLens.Tokenizers.Normalizers;
using AttentionLens.Tokenizers.Pipeline;

namespace AttentionLens.Tokenizers.PreTokenizers;

/// <summary>Punctuation: split on each punctuation character with the given behavior (default isolated).</summary>
public sealed class PunctuationPreTokenizer : IPreTokenizer
{
    public PunctuationPreTokenizer(SplitDelimiterBehavior behavior = SplitDelimiterBehavior.Isolated) => Behavior = behavior;

    public SplitDelimiterBehavior Behavior { get; }

    public void PreTokenize(PreTokenizedString text) =>
        text.Split((s, output) => Splitter.SplitOnRunes(s, UnicodeClasses.IsBertPunctuation, Behavior, output));
}
