using System.Text;
using AttentionLens.Tokenizers.Pipeline;

namespace AttentionLens.Tokenizers.Normalizers;

/// <summary>Strip whitespace on the left and/or right.</summary>
public sealed class StripNormalizer : INormalizer
{
    public StripNormalizer(bool left, bool right)
    {
        Left = left;
        Right = right;
    }

    public bool Left { get; }
    public bool Right { get; }

    public void Normalize(NormalizedString text)
    {
        var s = text.Text;
        var start = 0;
        var end = s.Length;
        if (Left) while (start < end && char.IsWhiteSpace(s[start])) start++;
        if (Right) while (end > start && char.IsWhiteSpace(s[end - 1])) end--;
        if (start == 0 && end == s.Length) return;
        var t = text.Transform();
        t.SkipUntil(start);
        t.KeepUntil(end);
        t.SkipUntil(s.Length);
        t.Commit();
    }
}
