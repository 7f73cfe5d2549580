using System.Text;
using AttentionLens.Tokenizers.Normalizers;
using AttentionLens.Tokenizers.Pipeline;

namespace AttentionLens.Tokenizers.PreTokenizers;

/// <summary>Metaspace (SentencePiece style): spaces become <see cref="Replacement"/> ('▁'), which is
/// prepended per <see cref="PrependScheme"/>; with <see cref="SplitPieces"/> the text is split before
/// each replacement character (merged with the next piece).</summary>
public sealed class MetaspacePreTokenizer : IPreTokenizer
{
    private readonly ReplaceNormalizer _spaces;
    private readonly PrependNormalizer _prepend;

    public MetaspacePreTokenizer(string replacement = "\u2581", PrependScheme prependScheme = PrependScheme.Always, bool split = true)
    {
        Replacement = replacement;
        PrependScheme = prependScheme;
        SplitPieces = split;
        _spaces = new ReplaceNormalizer(Pattern.Literal(" "), replacement);
        _prepend = new PrependNormalizer(replacement);
    }

    public string Replacement { get; }
    public PrependScheme PrependScheme { get; }
    public bool SplitPieces { get; }

    public void PreTokenize(PreTokenizedString text)
    {
        var first = true;
        var replacement = Rune.GetRuneAt(Replacement, 0);
        text.Split((s, output) =>
        {
            _spaces.Normalize(s);
            var prepend = PrependScheme == PrependScheme.Always || (PrependScheme == PrependScheme.First && first && s.OriginalStart == 0);
            first = false;
            if (prepend && !s.Text.StartsWith(Replacement, StringComparison.Ordinal)) _prepend.Normalize(s);
            if (SplitPieces) Splitter.SplitOnRunes(s, r => r == replacement, SplitDelimiterBehavior.MergedWithNext, output);
            else output.Add(s);
        });
    }
}
