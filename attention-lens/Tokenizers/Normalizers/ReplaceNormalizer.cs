using AttentionLens.Tokenizers.Pipeline;

namespace AttentionLens.Tokenizers.Normalizers;

/// <summary>Replace every match of a pattern with <see cref="Content"/> (Rust <c>NormalizedString::replace</c>:
/// the matched characters are removed, the content inserted after them, so it carries the range of the
/// last removed character).</summary>
public sealed class ReplaceNormalizer : INormalizer
{
    public ReplaceNormalizer(Pattern pattern, string content)
    {
        Pattern = pattern;
        Content = content;
    }

    public Pattern Pattern { get; }
    public string Content { get; }

    public void Normalize(NormalizedString text)
    {
        var matches = Pattern.Matches(text.Text);
        if (matches.Count == 0) return;
        var t = text.Transform();
        foreach (var (start, end) in matches)
        {
            t.KeepUntil(start);
            t.SkipUntil(end);
            t.Insert(Content);
        }
        t.Commit();
    }
}
