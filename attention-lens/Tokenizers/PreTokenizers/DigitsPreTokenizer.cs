using System.Text;
using AttentionLens.Tokenizers.Pipeline;

namespace AttentionLens.Tokenizers.PreTokenizers;

/// <summary>Digits: split numbers off; each digit alone when <see cref="IndividualDigits"/>, else runs of digits.</summary>
public sealed class DigitsPreTokenizer : IPreTokenizer
{
    public DigitsPreTokenizer(bool individualDigits) => IndividualDigits = individualDigits;

    public bool IndividualDigits { get; }

    public void PreTokenize(PreTokenizedString text) => text.Split((s, output) =>
        Splitter.SplitOnRunes(s, Rune.IsNumber, IndividualDigits ? SplitDelimiterBehavior.Isolated : SplitDelimiterBehavior.Contiguous, output));
}
