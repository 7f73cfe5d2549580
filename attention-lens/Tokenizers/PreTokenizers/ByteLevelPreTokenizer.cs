using System.Text;
using AttentionLens.Tokenizers.Normalizers;
using AttentionLens.Tokenizers.Pipeline;

namespace AttentionLens.Tokenizers.PreTokenizers;

/// <summary>
/// ByteLevel (GPT-2, RoBERTa): optionally prepend a space, split with the GPT-2 regex, then write
/// every piece as its UTF-8 bytes in the <see cref="ByteLevelAlphabet"/>. All byte characters of one
/// original character carry that character's range, so a token made of some of its bytes still
/// points at the whole character.
/// </summary>
public sealed class ByteLevelPreTokenizer : IPreTokenizer
{
    private static readonly PrependNormalizer PrependSpace = new(" ");

    public ByteLevelPreTokenizer(bool addPrefixSpace = false, bool useRegex = true, bool trimOffsets = true)
    {
        AddPrefixSpace = addPrefixSpace;
        UseRegex = useRegex;
        TrimOffsets = trimOffsets;
    }

    public bool AddPrefixSpace { get; }
    public bool UseRegex { get; }

    /// <summary>Used by the ByteLevel post-processor, not here (as in the reference).</summary>
    public bool TrimOffsets { get; }

    public void PreTokenize(PreTokenizedString text)
    {
        var matches = new List<(int, int)>();
        text.Split((s, output) =>
        {
            if (AddPrefixSpace && !s.Text.StartsWith(' ')) PrependSpace.Normalize(s);
            if (!UseRegex)
            {
                output.Add(s);
                return;
            }
            matches.Clear();
            Gpt2Splitter.Split(s.Text, matches);
            Splitter.Split(s, matches, SplitDelimiterBehavior.Isolated, false, output);
        });
        text.ForEachUntokenized(ToBytes);
    }

    /// <summary>Rewrites a piece as byte characters: the first byte of a character replaces it, the
    /// others are inserted after it (Rust: changes 0, +1, +1, ...).</summary>
    public static void ToBytes(NormalizedString s)
    {
        var t = s.Text;
        var needed = false;
        foreach (var c in t)
            if (c >= 0x80 || ByteLevelAlphabet.Encode((byte)c) != c) { needed = true; break; }
        if (!needed) return;
        Span<byte> utf8 = stackalloc byte[4];
        var tr = s.Transform();
        while (!tr.AtEnd)
        {
            var r = tr.Current;
            var n = r.EncodeToUtf8(utf8);
            if (n == 1 && ByteLevelAlphabet.Encode(utf8[0]) == (char)r.Value)
            {
                tr.Keep();
                continue;
            }
            tr.Emit(new Rune(ByteLevelAlphabet.Encode(utf8[0])));
            for (var k = 1; k < n; k++) tr.Insert(new Rune(ByteLevelAlphabet.Encode(utf8[k])));
        }
        tr.Commit();
    }
}
