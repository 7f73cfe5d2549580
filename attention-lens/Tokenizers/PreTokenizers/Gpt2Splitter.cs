using System.Text;

namespace AttentionLens.Tokenizers.PreTokenizers;

/// <summary>
/// The GPT-2 pre-tokenization regex, hand-compiled over code points:
/// <c>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</c>
/// (openai/gpt-2 encoder.py). Working on runes keeps letters outside the BMP letters, which a UTF-16
/// regex engine would not; the hand-written scanner is also several times faster.
/// </summary>
public static class Gpt2Splitter
{
    private enum Class { Letter, Number, Space, Other }

    private static Class Classify(string s, int i, out int width)
    {
        var c = s[i];
        if (c < 0x80)
        {
            width = 1;
            if (c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z')) return Class.Letter;
            if (c is >= '0' and <= '9') return Class.Number;
            if (c is ' ' or '\t' or '\n' or '\r' or '\v' or '\f') return Class.Space;
            return Class.Other;
        }
        if (Rune.DecodeFromUtf16(s.AsSpan(i), out var r, out width) != System.Buffers.OperationStatus.Done)
        {
            width = 1;
            return Class.Other;
        }
        if (Rune.IsLetter(r)) return Class.Letter;
        if (Rune.IsNumber(r)) return Class.Number;
        if (Rune.IsWhiteSpace(r)) return Class.Space;
        return Class.Other;
    }

    /// <summary>Appends the [start, end) of every match to <paramref name="matches"/>.</summary>
    public static void Split(string s, List<(int Start, int End)> matches)
    {
        var i = 0;
        var n = s.Length;
        while (i < n)
        {
            var start = i;
            if (s[i] == '\'' && TryContraction(s, i, out var end))
            {
                matches.Add((i, end));
                i = end;
                continue;
            }
            var cls = Classify(s, i, out var w);
            var body = i;
            if (s[i] == ' ' && i + 1 < n)
            {
                var next = Classify(s, i + 1, out _);
                if (next != Class.Space)
                {
                    body = i + 1;
                    cls = next;
                }
            }
            if (cls != Class.Space)
            {
                var j = body;
                while (j < n && Classify(s, j, out w) == cls) j += w;
                matches.Add((start, j));
                i = j;
                continue;
            }
            // \s+(?!\S) | \s+ : a run of whitespace gives up its last character to a following
            // non-space (which then takes it as its optional leading space, or stands alone).
            var k = i;
            var lastWidth = 1;
            while (k < n && Classify(s, k, out w) == Class.Space)
            {
                lastWidth = w;
                k += w;
            }
            if (k < n && k - i > lastWidth) k -= lastWidth;
            matches.Add((i, k));
            i = k;
        }
    }

    private static bool TryContraction(string s, int i, out int end)
    {
        end = i;
        if (i + 1 >= s.Length) return false;
        var c1 = s[i + 1];
        if (c1 is 's' or 't' or 'm' or 'd')
        {
            end = i + 2;
            return true;
        }
        if (i + 2 >= s.Length) return false;
        var c2 = s[i + 2];
        if ((c1 == 'r' && c2 == 'e') || (c1 == 'v' && c2 == 'e') || (c1 == 'l' && c2 == 'l'))
        {
            end = i + 3;
            return true;
        }
        return false;
    }
}
