namespace AttentionLens.Tokenizers.Pipeline;

/// <summary>Makes arbitrary editor text valid Unicode: a lone surrogate becomes U+FFFD (one unit for
/// one unit, so every offset stays valid), as Rust's lossy UTF-16 → UTF-8 conversion does.</summary>
public static class TextSanitizer
{
    public static string ReplaceLoneSurrogates(string text)
    {
        var bad = -1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (!char.IsSurrogate(c)) continue;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            bad = i;
            break;
        }
        if (bad < 0) return text;
        var chars = text.ToCharArray();
        for (var i = bad; i < chars.Length; i++)
        {
            var c = chars[i];
            if (!char.IsSurrogate(c)) continue;
            if (char.IsHighSurrogate(c) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                i++;
                continue;
            }
            chars[i] = '\uFFFD';
        }
        return new string(chars);
    }
}
