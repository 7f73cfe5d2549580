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

    public void PreTokenize(PreTokenizedString text) => PreTokenize(text, CancellationToken.None);

    public void PreTokenize(PreTokenizedString text, CancellationToken cancellationToken)
    {
        var matches = new List<(int, int)>();
        var pieces = new List<NormalizedString>();
        text.Split((s, output) =>
        {
            if (AddPrefixSpace && !s.Text.StartsWith(' ')) PrependSpace.Normalize(s);
            if (!UseRegex)
            {
                ToBytes(s);
                output.Add(s);
                return;
            }
            matches.Clear();
            Gpt2Splitter.Split(s.Text, matches);
            if (MapAscii(s))
            {
                // ASCII maps one character to one byte character, so mapping before slicing gives
                // the same pieces with one string per piece instead of two.
                Splitter.Split(s, matches, SplitDelimiterBehavior.Isolated, false, output);
                return;
            }
            pieces.Clear();
            Splitter.Split(s, matches, SplitDelimiterBehavior.Isolated, false, pieces);
            foreach (var piece in pieces)
            {
                ToBytes(piece);
                output.Add(piece);
            }
        }, cancellationToken);
    }

    /// <summary>Maps an all-ASCII piece to byte characters in place; false when it has other characters.</summary>
    private static bool MapAscii(NormalizedString s)
    {
        var t = s.Text;
        if (System.Text.Ascii.IsValid(t))
        {
            s.ReplaceSameLength(string.Create(t.Length, t, static (dst, src) =>
            {
                for (var i = 0; i < src.Length; i++) dst[i] = ByteLevelAlphabet.Encode((byte)src[i]);
            }));
            return true;
        }
        return false;
    }

    /// <summary>Rewrites a piece as byte characters: the first byte of a character replaces it, the
    /// others are inserted after it (Rust: changes 0, +1, +1, ...).</summary>
    public static void ToBytes(NormalizedString s)
    {
        var t = s.Text;
        var needed = false;
        var ascii = true;
        foreach (var c in t)
        {
            if (c >= 0x80) { ascii = false; needed = true; break; }
            if (ByteLevelAlphabet.Encode((byte)c) != c) needed = true;
        }
        if (!needed) return;
        if (ascii)
        {
            // One byte per character: a one-to-one mapping that keeps every alignment.
            s.ReplaceSameLength(string.Create(t.Length, t, static (dst, src) =>
            {
                for (var i = 0; i < src.Length; i++) dst[i] = ByteLevelAlphabet.Encode((byte)src[i]);
            }));
            return;
        }
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
