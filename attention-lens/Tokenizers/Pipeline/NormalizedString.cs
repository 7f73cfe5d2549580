using System.Text;

namespace AttentionLens.Tokenizers.Pipeline;

/// <summary>
/// A piece of text being normalized, with, for every UTF-16 unit of the current text, the range of
/// the ORIGINAL text it came from (absolute UTF-16 positions). This is the alignment map of the
/// Rust <c>NormalizedString</c>, kept per UTF-16 unit instead of per UTF-8 byte so that token
/// offsets come out directly in editor coordinates.
/// </summary>
public sealed class NormalizedString
{
    private int[] _starts;
    private int[] _ends;

    private NormalizedString(string text, int[] starts, int[] ends, int originalStart)
    {
        Text = text;
        _starts = starts;
        _ends = ends;
        OriginalStart = originalStart;
    }

    /// <summary>The current (normalized) text.</summary>
    public string Text { get; private set; }

    /// <summary>Where this piece begins in the original text (used for insertions at its very start).</summary>
    public int OriginalStart { get; }

    public int Length => Text.Length;

    /// <summary>An unnormalized piece of the original text, each unit aligned to itself.</summary>
    public static NormalizedString FromOriginal(string text, int offset = 0)
    {
        var starts = new int[text.Length];
        var ends = new int[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            // Both units of a surrogate pair stand for one character: each carries the pair's range.
            var width = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
            for (var k = 0; k < width; k++)
            {
                starts[i + k] = offset + i;
                ends[i + k] = offset + i + width;
            }
            i += width - 1;
        }
        return new NormalizedString(text, starts, ends, offset);
    }

    internal static NormalizedString Create(string text, int[] starts, int[] ends, int originalStart) =>
        new(text, starts, ends, originalStart);

    /// <summary>Original start of unit <paramref name="i"/>.</summary>
    public int StartAt(int i) => _starts[i];

    /// <summary>Original end of unit <paramref name="i"/>.</summary>
    public int EndAt(int i) => _ends[i];

    /// <summary>The original range of the normalized units [start, end). An empty range maps to an
    /// empty original range at the corresponding position.</summary>
    public TextRange OriginalRange(int start, int end)
    {
        if (Text.Length == 0) return new TextRange(OriginalStart, OriginalStart);
        if (end > start) return new TextRange(_starts[start], Math.Max(_starts[start], _ends[end - 1]));
        var at = start < Text.Length ? _starts[start] : _ends[Text.Length - 1];
        return new TextRange(at, at);
    }

    /// <summary>The units [start, end) as their own piece, keeping their alignments.</summary>
    public NormalizedString Slice(int start, int end)
    {
        var n = end - start;
        var s = new int[n];
        var e = new int[n];
        Array.Copy(_starts, start, s, 0, n);
        Array.Copy(_ends, start, e, 0, n);
        var origin = n > 0 ? s[0] : OriginalRange(start, start).Start;
        return new NormalizedString(Text.Substring(start, n), s, e, origin);
    }

    /// <summary>Starts rewriting this piece; <see cref="NormalizedTransformer.Commit"/> replaces its content.</summary>
    public NormalizedTransformer Transform() => new(this);

    internal void Replace(string text, int[] starts, int[] ends)
    {
        Text = text;
        _starts = starts;
        _ends = ends;
    }

    /// <summary>Maps every rune with <paramref name="map"/> (one rune in, any runes out): the first
    /// output rune replaces the input one, the rest are inserted after it (Rust <c>transform</c>
    /// with changes 0, +1, +1, ...), so all of them carry the input rune's range.</summary>
    public void MapRunes(Func<Rune, RuneMapping> map)
    {
        var t = Transform();
        while (!t.AtEnd)
        {
            var r = t.Current;
            var m = map(r);
            switch (m.Kind)
            {
                case RuneMappingKind.Keep: t.Keep(); break;
                case RuneMappingKind.Remove: t.Skip(); break;
                case RuneMappingKind.Replace:
                    var first = true;
                    foreach (var o in m.Output!.EnumerateRunes())
                    {
                        if (first) t.Emit(o); else t.Insert(o);
                        first = false;
                    }
                    if (first) t.Skip();
                    break;
            }
        }
        t.Commit();
    }

    public override string ToString() => Text;
}
