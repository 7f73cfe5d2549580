namespace AttentionLens.Tokenizers.PostProcessors;

/// <summary>
/// The offset trimming of the ByteLevel and RoBERTa post-processors (Rust <c>process_offsets</c>):
/// leading and trailing spaces of a token ('Ġ' or whitespace) are taken off its offsets, except the
/// single space <c>add_prefix_space</c> put in front of the first token.
/// </summary>
public static class ByteLevelOffsets
{
    public static void Trim(EncodingBuilder encoding, bool addPrefixSpace)
    {
        for (var i = 0; i < encoding.Count; i++)
        {
            var token = encoding.Tokens[i];
            var leading = 0;
            while (leading < token.Length && IsSpace(token[leading])) leading++;
            var trailing = 0;
            while (trailing < token.Length && IsSpace(token[token.Length - 1 - trailing])) trailing++;
            if (leading == 0 && trailing == 0) continue;
            var (start, end) = (encoding.Offsets[i].Start, encoding.Offsets[i].End);
            if (leading > 0)
            {
                var isFirst = i == 0 || start == 0;
                if (isFirst && addPrefixSpace && leading == 1) leading = 0;
                start = Math.Min(start + leading, end);
            }
            if (trailing > 0 && end >= trailing) end = Math.Max(end - trailing, start);
            encoding.Offsets[i] = new TextRange(start, end);
        }
    }

    private static bool IsSpace(char c) => c == '\u0120' || char.IsWhiteSpace(c);
}
