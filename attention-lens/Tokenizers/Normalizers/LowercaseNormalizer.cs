using AttentionLens.Tokenizers.Pipeline;

namespace AttentionLens.Tokenizers.Normalizers;

/// <summary>Lowercase: one character at a time (no final-sigma rule), each output carrying its input's range.</summary>
public sealed class LowercaseNormalizer : INormalizer
{
    public void Normalize(NormalizedString text) => Apply(text);

    internal static void Apply(NormalizedString text)
    {
        if (!NeedsWork(text.Text)) return;
        text.MapRunes(r => UnicodeClasses.Lowercase(r) is { } lower ? RuneMapping.With(lower) : RuneMapping.Keep);
    }

    private static bool NeedsWork(string s)
    {
        foreach (var c in s)
            if (c >= 0x80 || c is >= 'A' and <= 'Z') return true;
        return false;
    }
}
