using System.Text;
using AttentionLens.Tokenizers.Pipeline;

namespace AttentionLens.Tokenizers.Normalizers;

/// <summary>
/// The BERT normalizer (Rust <c>BertNormalizer</c>, after Google's <c>BasicTokenizer</c>), in its order:
/// clean_text (drop NUL, U+FFFD and control characters; whitespace → ' '), handle_chinese_chars
/// (surround CJK ideographs with spaces), strip_accents (NFD then drop Mn; defaults to
/// <c>lowercase</c> when null), lowercase (per character).
/// </summary>
public sealed class BertNormalizer : INormalizer
{
    private static readonly UnicodeNormalizer Nfd = new(NormalizationForm.FormD);

    public BertNormalizer(bool cleanText = true, bool handleChineseChars = true, bool? stripAccents = null, bool lowercase = true)
    {
        CleanText = cleanText;
        HandleChineseChars = handleChineseChars;
        StripAccents = stripAccents;
        Lowercase = lowercase;
    }

    public bool CleanText { get; }
    public bool HandleChineseChars { get; }
    public bool? StripAccents { get; }
    public bool Lowercase { get; }

    public void Normalize(NormalizedString text)
    {
        if (CleanText || HandleChineseChars) CleanAndPad(text);
        if (StripAccents ?? Lowercase)
        {
            Nfd.Normalize(text);
            StripAccentsNormalizer.Apply(text, nonSpacingOnly: true);
        }
        if (Lowercase) LowercaseNormalizer.Apply(text);
    }

    private void CleanAndPad(NormalizedString text)
    {
        var needed = false;
        foreach (var c in text.Text)
        {
            if (c < 0x20 || c >= 0x7F) { needed = true; break; }
        }
        if (!needed) return;
        var t = text.Transform();
        while (!t.AtEnd)
        {
            var r = t.Current;
            if (CleanText && (r.Value == 0 || r.Value == 0xFFFD || UnicodeClasses.IsBertControl(r)))
            {
                t.Skip();
            }
            else if (CleanText && UnicodeClasses.IsBertWhitespace(r))
            {
                if (r.Value == ' ') t.Keep(); else t.Emit(new Rune(' '));
            }
            else if (HandleChineseChars && UnicodeClasses.IsChineseChar(r))
            {
                // Rust: (' ', 0), (c, 1), (' ', 1): all three carry the ideograph's range.
                t.Emit(new Rune(' '));
                t.Insert(r);
                t.Insert(new Rune(' '));
            }
            else
            {
                t.Keep();
            }
        }
        t.Commit();
    }
}
