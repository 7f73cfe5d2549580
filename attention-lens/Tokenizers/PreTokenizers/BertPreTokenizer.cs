using System.Text;
using AttentionLens.Tokenizers.Normalizers;
using AttentionLens.Tokenizers.Pipeline;

namespace AttentionLens.Tokenizers.PreTokenizers;

/// <summary>BERT: split on whitespace (removed), then on each punctuation character (isolated).</summary>
public sealed class BertPreTokenizer : IPreTokenizer
{
    public void PreTokenize(PreTokenizedString text)
    {
        text.Split((s, output) => Splitter.SplitOnRunes(s, Rune.IsWhiteSpace, SplitDelimiterBehavior.Removed, output));
        text.Split((s, output) => Splitter.SplitOnRunes(s, UnicodeClasses.IsBertPunctuation, SplitDelimiterBehavior.Isolated, output));
    }
}
