using System.Text;
using AttentionLens.Tokenizers.Normalizers;

namespace AttentionLens.Tokenizers.Json;

/// <summary>Builds the runtime normalizer from the <c>normalizer</c> section of tokenizer.json.</summary>
public static class NormalizerBuilder
{
    private static readonly string[] Known =
        ["BertNormalizer", "NFC", "NFD", "NFKC", "NFKD", "Lowercase", "StripAccents", "Replace", "Prepend", "Strip", "Precompiled", "Sequence"];

    public static INormalizer? Build(JsonSection? section)
    {
        if (section is not { } s || s.IsNull) return null;
        return s.Type switch
        {
            "BertNormalizer" => new BertNormalizer(
                s.GetBool("clean_text", true), s.GetBool("handle_chinese_chars", true),
                s.GetBoolOrNull("strip_accents"), s.GetBool("lowercase", true)),
            "NFC" => new UnicodeNormalizer(NormalizationForm.FormC),
            "NFD" => new UnicodeNormalizer(NormalizationForm.FormD),
            "NFKC" => new UnicodeNormalizer(NormalizationForm.FormKC),
            "NFKD" => new UnicodeNormalizer(NormalizationForm.FormKD),
            "Lowercase" => new LowercaseNormalizer(),
            "StripAccents" => new StripAccentsNormalizer(),
            "Replace" => new ReplaceNormalizer(PatternBuilder.Build(s.Get("pattern")), s.GetString("content")),
            "Prepend" => new PrependNormalizer(s.GetString("prepend")),
            "Strip" => new StripNormalizer(s.GetBool("strip_left", true), s.GetBool("strip_right", true)),
            "Precompiled" => PrecompiledNormalizer.FromBase64(s.GetStringOrNull("precompiled_charsmap"), s.File, s.Path + ".precompiled_charsmap"),
            "Sequence" => new SequenceNormalizer(s.Get("normalizers").Items().Select(i => Build(i)!).ToList()),
            _ => throw s.UnknownType(Known),
        };
    }
}
