using System.Globalization;
using System.Text;
using AttentionLens.Tokenizers.Pipeline;

namespace AttentionLens.Tokenizers.PreTokenizers;

/// <summary>Whitespace: keeps the matches of <c>\w+|[^\w\s]+</c> (runs of word characters, runs of
/// other non-space characters) and drops the whitespace between them.</summary>
public sealed class WhitespacePreTokenizer : IPreTokenizer
{
    public void PreTokenize(PreTokenizedString text) => text.Split((s, output) =>
    {
        var t = s.Text;
        var matches = new List<(int, int)>();
        var i = 0;
        while (i < t.Length)
        {
            Rune.DecodeFromUtf16(t.AsSpan(i), out var r, out var w);
            var kind = Kind(r);
            if (kind == 0) { i += w; continue; }
            var start = i;
            i += w;
            while (i < t.Length)
            {
                Rune.DecodeFromUtf16(t.AsSpan(i), out r, out w);
                if (Kind(r) != kind) break;
                i += w;
            }
            matches.Add((start, i));
        }
        Splitter.Split(s, matches, SplitDelimiterBehavior.Removed, invert: true, output);
    });

    /// <summary>0 whitespace, 1 word character (\w: letters, marks, digits, connector punctuation), 2 other.</summary>
    private static int Kind(Rune r)
    {
        if (Rune.IsWhiteSpace(r)) return 0;
        if (Rune.IsLetterOrDigit(r) || r.Value == '_') return 1;
        return Rune.GetUnicodeCategory(r) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark
            or UnicodeCategory.EnclosingMark or UnicodeCategory.ConnectorPunctuation or UnicodeCategory.LetterNumber
            or UnicodeCategory.OtherNumber ? 1 : 2;
    }
}
