using System.Text;
using AttentionLens.Tokenizers.Pipeline;

namespace AttentionLens.Tokenizers.PreTokenizers;

/// <summary>WhitespaceSplit: split on whitespace, which is removed.</summary>
public sealed class WhitespaceSplitPreTokenizer : IPreTokenizer
{
    public void PreTokenize(PreTokenizedString text) =>
        text.Split((s, output) => Splitter.SplitOnRunes(s, Rune.IsWhiteSpace, SplitDelimiterBehavior.Removed, output));
}
