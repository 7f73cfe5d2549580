using AttentionLens.Tokenizers.Normalizers;
using AttentionLens.Tokenizers.Pipeline;

namespace AttentionLens.Tokenizers.PreTokenizers;

/// <summary>Split on a string or regex pattern with a behavior; <see cref="Invert"/> splits on what does not match.</summary>
public sealed class SplitPreTokenizer : IPreTokenizer
{
    public SplitPreTokenizer(Pattern pattern, SplitDelimiterBehavior behavior, bool invert)
    {
        Pattern = pattern;
        Behavior = behavior;
        Invert = invert;
    }

    public Pattern Pattern { get; }
    public SplitDelimiterBehavior Behavior { get; }
    public bool Invert { get; }

    public void PreTokenize(PreTokenizedString text) => PreTokenize(text, CancellationToken.None);

    public void PreTokenize(PreTokenizedString text, CancellationToken cancellationToken) =>
        text.Split((s, output) => Splitter.Split(s, Pattern.Matches(s.Text, cancellationToken), Behavior, Invert, output), cancellationToken);
}
