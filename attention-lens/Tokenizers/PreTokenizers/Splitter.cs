using System.Text;
using AttentionLens.Tokenizers.Pipeline;

namespace AttentionLens.Tokenizers.PreTokenizers;

/// <summary>Splits a piece on delimiter matches with a <see cref="SplitDelimiterBehavior"/>, as Rust
/// <c>NormalizedString::split</c> does (every match is its own delimiter before the behavior applies).</summary>
public static class Splitter
{
    /// <summary>Splits on the runes for which <paramref name="isDelimiter"/> holds (each rune one match).</summary>
    public static void SplitOnRunes(NormalizedString s, Func<Rune, bool> isDelimiter, SplitDelimiterBehavior behavior, List<NormalizedString> output)
    {
        var text = s.Text;
        var matches = new List<(int, int)>();
        var i = 0;
        while (i < text.Length)
        {
            Rune.DecodeFromUtf16(text.AsSpan(i), out var r, out var w);
            if (isDelimiter(r)) matches.Add((i, i + w));
            i += w;
        }
        Split(s, matches, behavior, false, output);
    }

    /// <summary>Splits on the given non-overlapping matches; <paramref name="invert"/> swaps matched and unmatched parts.</summary>
    public static void Split(NormalizedString s, List<(int Start, int End)> matches, SplitDelimiterBehavior behavior, bool invert, List<NormalizedString> output)
    {
        var spans = new List<(int Start, int End, bool IsMatch)>(matches.Count * 2 + 1);
        var last = 0;
        foreach (var (start, end) in matches)
        {
            if (start > last) spans.Add((last, start, invert));
            spans.Add((start, end, !invert));
            last = end;
        }
        if (last < s.Length) spans.Add((last, s.Length, invert));

        var pieces = new List<(int Start, int End)>(spans.Count);
        switch (behavior)
        {
            case SplitDelimiterBehavior.Removed:
                foreach (var p in spans) if (!p.IsMatch) pieces.Add((p.Start, p.End));
                break;
            case SplitDelimiterBehavior.Isolated:
                foreach (var p in spans) pieces.Add((p.Start, p.End));
                break;
            case SplitDelimiterBehavior.MergedWithPrevious:
            {
                var previousMatch = false;
                foreach (var p in spans)
                {
                    if (p.IsMatch && !previousMatch && pieces.Count > 0) pieces[^1] = (pieces[^1].Start, p.End);
                    else pieces.Add((p.Start, p.End));
                    previousMatch = p.IsMatch;
                }
                break;
            }
            case SplitDelimiterBehavior.MergedWithNext:
            {
                var nextMatch = false;
                for (var k = spans.Count - 1; k >= 0; k--)
                {
                    var p = spans[k];
                    if (p.IsMatch && !nextMatch && pieces.Count > 0) pieces[^1] = (p.Start, pieces[^1].End);
                    else pieces.Add((p.Start, p.End));
                    nextMatch = p.IsMatch;
                }
                pieces.Reverse();
                break;
            }
            case SplitDelimiterBehavior.Contiguous:
            {
                bool? previous = null;
                foreach (var p in spans)
                {
                    if (previous == p.IsMatch && pieces.Count > 0) pieces[^1] = (pieces[^1].Start, p.End);
                    else pieces.Add((p.Start, p.End));
                    previous = p.IsMatch;
                }
                break;
            }
        }
        foreach (var (start, end) in pieces)
            if (end > start) output.Add(start == 0 && end == s.Length ? s : s.Slice(start, end));
    }
}
