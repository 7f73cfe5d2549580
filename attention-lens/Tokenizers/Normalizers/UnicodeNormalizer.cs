using System.Globalization;
using System.Text;
using AttentionLens.Tokenizers.Pipeline;

namespace AttentionLens.Tokenizers.Normalizers;

/// <summary>
/// NFC / NFD / NFKC / NFKD. Text is normalized one segment at a time — a character and the
/// combining marks after it — so every output character keeps an exact original range: outputs are
/// paired with inputs in order, surplus outputs are inserted (carry the previous input's range),
/// surplus inputs are removed (their range folds into the last output's neighbour), as the Rust
/// transform does for decompositions (changes +1) and compositions (changes −n).
/// </summary>
public sealed class UnicodeNormalizer : INormalizer
{
    public UnicodeNormalizer(NormalizationForm form) => Form = form;

    public NormalizationForm Form { get; }

    public void Normalize(NormalizedString text)
    {
        var s = text.Text;
        if (IsAscii(s) || s.IsNormalized(Form)) return;
        var t = text.Transform();
        var i = 0;
        while (i < s.Length)
        {
            var end = SegmentEnd(s, i);
            var segment = s[i..end];
            if (segment.IsNormalized(Form))
            {
                t.KeepUntil(end);
            }
            else
            {
                var output = segment.Normalize(Form);
                var inputs = CountRunes(segment);
                var k = 0;
                foreach (var r in output.EnumerateRunes())
                {
                    if (k < inputs) t.Emit(r); else t.Insert(r);
                    k++;
                }
                t.SkipUntil(end);
            }
            i = end;
        }
        t.Commit();
    }

    private static bool IsAscii(string s)
    {
        foreach (var c in s)
            if (c >= 0x80) return false;
        return true;
    }

    private static int CountRunes(string s)
    {
        var n = 0;
        foreach (var _ in s.EnumerateRunes()) n++;
        return n;
    }

    /// <summary>End of the segment starting at <paramref name="i"/>: one rune plus the marks after it.</summary>
    private static int SegmentEnd(string s, int i)
    {
        Rune.DecodeFromUtf16(s.AsSpan(i), out var r, out var w);
        var end = i + w;
        while (end < s.Length)
        {
            Rune.DecodeFromUtf16(s.AsSpan(end), out r, out w);
            if (Rune.GetUnicodeCategory(r) is not (UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark))
                break;
            end += w;
        }
        return end;
    }
}
