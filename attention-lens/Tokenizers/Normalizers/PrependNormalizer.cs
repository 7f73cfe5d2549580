using System.Text;
using AttentionLens.Tokenizers.Pipeline;

namespace AttentionLens.Tokenizers.Normalizers;

/// <summary>Prepend a string to a non-empty piece; it carries the range of the piece's first character.</summary>
public sealed class PrependNormalizer : INormalizer
{
    public PrependNormalizer(string prepend) => Prepend = prepend;

    public string Prepend { get; }

    public void Normalize(NormalizedString text)
    {
        if (text.Length == 0 || Prepend.Length == 0) return;
        var t = text.Transform();
        var first = t.Current;
        var runes = Prepend.EnumerateRunes().ToList();
        // Rust: the first prepended char replaces the first char (change 0), the rest and the
        // original first char are inserted (change +1): all carry the first char's range.
        t.Emit(runes[0]);
        for (var k = 1; k < runes.Count; k++) t.Insert(runes[k]);
        t.Insert(first);
        t.Commit();
    }
}
