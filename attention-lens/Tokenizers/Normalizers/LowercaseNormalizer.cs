using AttentionLens.Tokenizers.Pipeline;

namespace AttentionLens.Tokenizers.Normalizers;

/// <summary>Lowercase: one character at a time (no final-sigma rule), each output carrying its input's range.</summary>
public sealed class LowercaseNormalizer : INormalizer
{
    public void Normalize(NormalizedString text) => Apply(text);

    internal static void Apply(NormalizedString text)
    {
        var s = text.Text;
        if (!NeedsWork(s)) return;
        if (IsSimple(s))
        {
            // Every character lowercases to exactly one character: keep the alignments.
            text.ReplaceSameLength(s.ToLowerInvariant());
            return;
        }
        text.MapRunes(r => UnicodeClasses.Lowercase(r) is { } lower ? RuneMapping.With(lower) : RuneMapping.Keep);
    }

    /// <summary>No surrogates and no İ (the one character whose lowercase is two characters).</summary>
    private static bool IsSimple(string s) =>
        s.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0 && !s.Contains('\u0130');

    private static bool NeedsWork(string s) =>
        s.AsSpan().IndexOfAnyInRange('A', 'Z') >= 0 || !System.Text.Ascii.IsValid(s);
}
