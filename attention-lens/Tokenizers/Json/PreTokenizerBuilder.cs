using AttentionLens.Tokenizers.PreTokenizers;

namespace AttentionLens.Tokenizers.Json;

/// <summary>Builds the runtime pre-tokenizer from the <c>pre_tokenizer</c> section.</summary>
public static class PreTokenizerBuilder
{
    private static readonly string[] Known =
        ["BertPreTokenizer", "ByteLevel", "Metaspace", "Whitespace", "WhitespaceSplit", "Punctuation", "Digits", "Split", "Sequence"];

    public static IPreTokenizer? Build(JsonSection? section)
    {
        if (section is not { } s || s.IsNull) return null;
        return s.Type switch
        {
            "BertPreTokenizer" => new BertPreTokenizer(),
            "ByteLevel" => new ByteLevelPreTokenizer(s.GetBool("add_prefix_space", true), s.GetBool("use_regex", true), s.GetBool("trim_offsets", true)),
            "Metaspace" => new MetaspacePreTokenizer(s.GetStringOrNull("replacement") ?? "\u2581", ReadPrependScheme(s), s.GetBool("split", true)),
            "Whitespace" => new WhitespacePreTokenizer(),
            "WhitespaceSplit" => new WhitespaceSplitPreTokenizer(),
            "Punctuation" => new PunctuationPreTokenizer(ReadBehavior(s, SplitDelimiterBehavior.Isolated)),
            "Digits" => new DigitsPreTokenizer(s.GetBool("individual_digits", false)),
            "Split" => new SplitPreTokenizer(PatternBuilder.Build(s.Get("pattern")), ReadBehavior(s, SplitDelimiterBehavior.Removed), s.GetBool("invert", false)),
            "Sequence" => new SequencePreTokenizer(s.Get("pretokenizers").Items().Select(i => Build(i)!).ToList()),
            _ => throw s.UnknownType(Known),
        };
    }

    /// <summary>prepend_scheme (always/first/never), or the older add_prefix_space flag.</summary>
    public static PrependScheme ReadPrependScheme(JsonSection s)
    {
        var scheme = s.GetStringOrNull("prepend_scheme");
        if (scheme is null) return s.GetBool("add_prefix_space", true) ? PrependScheme.Always : PrependScheme.Never;
        return scheme switch
        {
            "always" => PrependScheme.Always,
            "first" => PrependScheme.First,
            "never" => PrependScheme.Never,
            _ => throw s.Error("prepend_scheme", $"unknown value \"{scheme}\"; expected always, first or never."),
        };
    }

    private static SplitDelimiterBehavior ReadBehavior(JsonSection s, SplitDelimiterBehavior fallback)
    {
        var b = s.GetStringOrNull("behavior");
        if (b is null) return fallback;
        return b switch
        {
            "Removed" => SplitDelimiterBehavior.Removed,
            "Isolated" => SplitDelimiterBehavior.Isolated,
            "MergedWithPrevious" => SplitDelimiterBehavior.MergedWithPrevious,
            "MergedWithNext" => SplitDelimiterBehavior.MergedWithNext,
            "Contiguous" => SplitDelimiterBehavior.Contiguous,
            _ => throw s.Error("behavior", $"unknown value \"{b}\"; expected Removed, Isolated, MergedWithPrevious, MergedWithNext or Contiguous."),
        };
    }
}
