using System.Text;
using AttentionLens.Tokenizers.Normalizers;
using AttentionLens.Tokenizers.Pipeline;

namespace AttentionLens.Tokenizers.PreTokenizers;

/// <summary>BERT: split on whitespace (removed), then on each punctuation character (isolated) —
/// done in one scan, which gives the same pieces as the reference's two splits.</summary>
public sealed class BertPreTokenizer : IPreTokenizer
{
    public void PreTokenize(PreTokenizedString text) => text.Split(SplitPiece);

    public void PreTokenize(PreTokenizedString text, CancellationToken cancellationToken) => text.Split(SplitPiece, cancellationToken);

    private static void SplitPiece(NormalizedString s, List<NormalizedString> output)
    {
        var t = s.Text;
        var start = -1;
        var i = 0;
        while (i < t.Length)
        {
            var c = t[i];
            int w;
            bool space, punct;
            if (c < 0x80)
            {
                w = 1;
                space = c is ' ' or '\t' or '\n' or '\r' or '\v' or '\f';
                punct = !space && c is (>= '!' and <= '/') or (>= ':' and <= '@') or (>= '[' and <= '`') or (>= '{' and <= '~');
            }
            else
            {
                Rune.DecodeFromUtf16(t.AsSpan(i), out var r, out w);
                space = Rune.IsWhiteSpace(r);
                punct = !space && UnicodeClasses.IsBertPunctuation(r);
            }
            if (space || punct)
            {
                if (start >= 0) output.Add(s.Slice(start, i));
                start = -1;
                if (punct) output.Add(s.Slice(i, i + w));
            }
            else if (start < 0)
            {
                start = i;
            }
            i += w;
        }
        if (start >= 0) output.Add(start == 0 ? s : s.Slice(start, t.Length));
    }
}
