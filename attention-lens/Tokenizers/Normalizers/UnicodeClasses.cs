using System.Globalization;
using System.Text;

namespace AttentionLens.Tokenizers.Normalizers;

/// <summary>The character classes of the BERT normalizer and pre-tokenizer (Rust
/// <c>normalizers::bert</c> and <c>pre_tokenizers::bert</c>, which follow Google's BERT code).</summary>
public static class UnicodeClasses
{
    /// <summary>BERT whitespace: \t \n \r and the Unicode White_Space characters.</summary>
    public static bool IsBertWhitespace(Rune r) => r.Value is '\t' or '\n' or '\r' || Rune.IsWhiteSpace(r);

    /// <summary>BERT control: categories Cc, Cf, Cn, Co, Cs except \t \n \r (which count as whitespace).</summary>
    public static bool IsBertControl(Rune r)
    {
        if (r.Value is '\t' or '\n' or '\r') return false;
        return Rune.GetUnicodeCategory(r) is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.OtherNotAssigned or UnicodeCategory.PrivateUse or UnicodeCategory.Surrogate;
    }

    /// <summary>The CJK Unified Ideograph blocks BERT surrounds with spaces (not kana, not hangul).</summary>
    public static bool IsChineseChar(Rune r)
    {
        var c = r.Value;
        return c is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF)
            or (>= 0x2A700 and <= 0x2B73F) or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B920 and <= 0x2CEAF)
            or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);
    }

    /// <summary>BERT punctuation: ASCII symbols 33–47, 58–64, 91–96, 123–126 and Unicode P* categories.</summary>
    public static bool IsBertPunctuation(Rune r)
    {
        var c = r.Value;
        if (c is (>= 33 and <= 47) or (>= 58 and <= 64) or (>= 91 and <= 96) or (>= 123 and <= 126)) return true;
        return IsUnicodePunctuation(r);
    }

    /// <summary>Unicode general category P* (Pc, Pd, Ps, Pe, Pi, Pf, Po).</summary>
    public static bool IsUnicodePunctuation(Rune r) => Rune.GetUnicodeCategory(r) is UnicodeCategory.ConnectorPunctuation
        or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation
        or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;

    /// <summary>Lowercases one character without context, as Rust's <c>char::to_lowercase</c>: the full
    /// mapping (İ → i̇) and no final-sigma rule (Σ → σ everywhere).</summary>
    public static string? Lowercase(Rune r)
    {
        if (r.Value < 0x80) return r.Value is >= 'A' and <= 'Z' ? ((char)(r.Value + 32)).ToString() : null;
        if (r.Value == 0x130) return "i\u0307";
        var lower = Rune.ToLowerInvariant(r);
        return lower == r ? null : lower.ToString();
    }
}
