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

    public void Normalize(NormalizedString text) => Normalize(text, CancellationToken.None);

    public void Normalize(NormalizedString text, CancellationToken cancellationToken)
    {
        if (Pattern.LiteralChar is char from && Content.Length == 1 && !char.IsSurrogate(Content[0]))
        {
            // One character for one: the content carries the replaced character's range either way.
            if (text.Text.Contains(from)) text.ReplaceSameLength(text.Text.Replace(from, Content[0]));
            return;
        }
        var matches = Pattern.Matches(text.Text, cancellationToken);
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
