using System.Globalization;
using System.Text;
using AttentionLens.Tokenizers.Pipeline;

namespace AttentionLens.Tokenizers.Normalizers;

/// <summary>
/// SentencePiece's precompiled character map (e.g. nmt_nfkc): a Darts-clone double-array trie over
/// UTF-8 keys whose values index NUL-terminated replacement strings. As the reference
/// (spm_precompiled), each grapheme shorter than 6 UTF-8 bytes is looked up whole (the first prefix
/// hit replaces it), otherwise each of its characters is looked up alone.
/// </summary>
public sealed class PrecompiledNormalizer : INormalizer
{
    private readonly uint[] _trie;
    private readonly byte[] _normalized;

    public PrecompiledNormalizer(byte[] charsmap, string file, string field)
    {
        if (charsmap.Length < 4) throw new TokenizerException(file, field, "the precompiled character map is truncated.");
        var trieBytes = BitConverter.ToUInt32(charsmap, 0);
        if (trieBytes % 4 != 0 || trieBytes > charsmap.Length - 4 || trieBytes == 0)
            throw new TokenizerException(file, field, "the precompiled character map has an invalid trie size.");
        _trie = new uint[trieBytes / 4];
        Buffer.BlockCopy(charsmap, 4, _trie, 0, (int)trieBytes);
        _normalized = charsmap[(4 + (int)trieBytes)..];
    }

    public static INormalizer? FromBase64(string? base64, string file, string field)
    {
        if (string.IsNullOrEmpty(base64)) return null;
        try
        {
            return new PrecompiledNormalizer(Convert.FromBase64String(base64), file, field);
        }
        catch (FormatException e)
        {
            throw new TokenizerException(file, field, "is not valid base64.", e);
        }
    }

    public void Normalize(NormalizedString text)
    {
        var s = text.Text;
        if (s.Length == 0) return;
        var t = text.Transform();
        var i = 0;
        while (i < s.Length)
        {
            var g = StringInfo.GetNextTextElementLength(s, i);
            var grapheme = s.AsSpan(i, g);
            if (System.Text.Encoding.UTF8.GetByteCount(grapheme) < 6 && Lookup(grapheme) is { } whole)
            {
                Replace(t, whole, CountRunes(grapheme));
            }
            else
            {
                var k = 0;
                while (k < g)
                {
                    var w = char.IsHighSurrogate(grapheme[k]) && k + 1 < g && char.IsLowSurrogate(grapheme[k + 1]) ? 2 : 1;
                    if (Lookup(grapheme.Slice(k, w)) is { } part) Replace(t, part, 1);
                    else t.Keep();
                    k += w;
                }
            }
            i += g;
        }
        t.Commit();
    }

    /// <summary>The reference's <c>replace</c>: new characters replace old ones in order; surplus new
    /// ones are inserted, surplus old ones removed after the last.</summary>
    private static void Replace(NormalizedTransformer t, string output, int oldCount)
    {
        var k = 0;
        foreach (var r in output.EnumerateRunes())
        {
            if (k < oldCount) t.Emit(r); else t.Insert(r);
            k++;
        }
        for (; k < oldCount; k++) t.Skip();
    }

    private static int CountRunes(ReadOnlySpan<char> s)
    {
        var n = 0;
        foreach (var _ in s.EnumerateRunes()) n++;
        return n;
    }

    private string? Lookup(ReadOnlySpan<char> chunk)
    {
        Span<byte> key = stackalloc byte[System.Text.Encoding.UTF8.GetMaxByteCount(chunk.Length)];
        var n = System.Text.Encoding.UTF8.GetBytes(chunk, key);
        var pos = 0L;
        var unit = _trie[0];
        pos ^= Offset(unit);
        for (var k = 0; k < n; k++)
        {
            var c = key[k];
            if (c == 0) break;
            pos ^= c;
            if (pos < 0 || pos >= _trie.Length) return null;
            unit = _trie[pos];
            if (Label(unit) != c) return null;
            pos ^= Offset(unit);
            if (pos < 0 || pos >= _trie.Length) return null;
            if (HasLeaf(unit)) return ReadString((int)(_trie[pos] & 0x7FFFFFFF));
        }
        return null;
    }

    private string? ReadString(int index)
    {
        if (index >= _normalized.Length) return null;
        var end = Array.IndexOf(_normalized, (byte)0, index);
        if (end < 0) end = _normalized.Length;
        return System.Text.Encoding.UTF8.GetString(_normalized, index, end - index);
    }

    private static bool HasLeaf(uint unit) => ((unit >> 8) & 1) == 1;

    private static uint Label(uint unit) => unit & (0x80000000u | 0xFF);

    private static long Offset(uint unit) => (unit >> 10) << (int)((unit & (1u << 9)) >> 6);
}
