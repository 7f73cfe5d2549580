using System.Globalization;
using System.Text;
using AttentionLens.Tokenizers.Pipeline;

namespace AttentionLens.Tokenizers.Normalizers;

/// <summary>StripAccents: removes combining marks (meant to follow NFD/NFKD). BERT's variant removes
/// only non-spacing marks (Mn), as Google's <c>_run_strip_accents</c>.</summary>
public sealed class StripAccentsNormalizer : INormalizer
{
    public StripAccentsNormalizer(bool nonSpacingOnly = false) => NonSpacingOnly = nonSpacingOnly;

    public bool NonSpacingOnly { get; }

    public void Normalize(NormalizedString text) => Apply(text, NonSpacingOnly);

    internal static void Apply(NormalizedString text, bool nonSpacingOnly)
    {
        var any = false;
        foreach (var c in text.Text)
            if (c >= 0x300) { any = true; break; }
        if (!any) return;
        text.MapRunes(r =>
        {
            var cat = Rune.GetUnicodeCategory(r);
            var mark = nonSpacingOnly
                ? cat == UnicodeCategory.NonSpacingMark
                : cat is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;
            return mark ? RuneMapping.Remove : RuneMapping.Keep;
        });
    }
}
