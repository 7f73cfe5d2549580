using System.Text;
using AttentionLens.Tokenizers;
using AttentionLens.Tokenizers.Decoders;
using AttentionLens.Tokenizers.Normalizers;
using AttentionLens.Tokenizers.Pipeline;
using AttentionLens.Tokenizers.PreTokenizers;

namespace AttentionLens.Tests.Tokenizers;

/// <summary>Stages not exercised by the four real tokenizers, against the behaviour the reference
/// documents (the examples in the Rust and Python docs of each component).</summary>
public class PipelineStageTests
{
    [Theory]
    [InlineData(SplitDelimiterBehavior.Removed, "the|final|countdown")]
    [InlineData(SplitDelimiterBehavior.Isolated, "the|-|final|-|-|countdown")]
    [InlineData(SplitDelimiterBehavior.MergedWithPrevious, "the-|final-|-|countdown")]
    [InlineData(SplitDelimiterBehavior.MergedWithNext, "the|-final|-|-countdown")]
    [InlineData(SplitDelimiterBehavior.Contiguous, "the|-|final|--|countdown")]
    public void SplitBehaviorsFollowTheReferenceDocs(SplitDelimiterBehavior behavior, string expected)
    {
        var pieces = StageFixtures.PreTokenize(new SplitPreTokenizer(Pattern.Literal("-"), behavior, false), "the-final--countdown");
        Assert.Equal(expected, string.Join("|", pieces.Select(p => p.Piece)));
        foreach (var (piece, start, end) in pieces) Assert.Equal(piece, "the-final--countdown"[start..end]);
    }

    [Fact]
    public void SplitInvertAndRegex()
    {
        var pieces = StageFixtures.PreTokenize(new SplitPreTokenizer(Pattern.FromRegex(@"\d+"), SplitDelimiterBehavior.Removed, invert: true), "ab12cd345");
        Assert.Equal(["12", "345"], pieces.Select(p => p.Piece).ToArray());
    }

    [Fact]
    public void WhitespacePunctuationAndDigits()
    {
        Assert.Equal(["Hey", "man", "!", "How", "'", "s"],
            StageFixtures.PreTokenize(new WhitespacePreTokenizer(), "Hey man!  How's").Select(p => p.Piece).ToArray());
        Assert.Equal(["Hey", ",", " man", "!"],
            StageFixtures.PreTokenize(new PunctuationPreTokenizer(), "Hey, man!").Select(p => p.Piece).ToArray());
        Assert.Equal(["Call ", "1", "2", "3", " now"],
            StageFixtures.PreTokenize(new DigitsPreTokenizer(true), "Call 123 now").Select(p => p.Piece).ToArray());
        Assert.Equal(["Call ", "123", " now"],
            StageFixtures.PreTokenize(new DigitsPreTokenizer(false), "Call 123 now").Select(p => p.Piece).ToArray());
        Assert.Equal(["a", "b"], StageFixtures.PreTokenize(new WhitespaceSplitPreTokenizer(), " a\t b ").Select(p => p.Piece).ToArray());
    }

    [Fact]
    public void MetaspaceReplacesAndPrependsWithExactRanges()
    {
        var pieces = StageFixtures.PreTokenize(new MetaspacePreTokenizer(), "Hey friend!");
        Assert.Equal([("▁Hey", 0, 3), ("▁friend!", 3, 11)], pieces);
        var never = StageFixtures.PreTokenize(new MetaspacePreTokenizer(prependScheme: PrependScheme.Never, split: false), "a b");
        Assert.Equal([("a▁b", 0, 3)], never);
        var decoded = new MetaspaceDecoder().DecodeChain(["▁Hey", "▁friend!"]);
        Assert.Equal("Hey friend!", string.Concat(decoded));
    }

    [Fact]
    public void CompatibilityDecompositionSharesTheRange()
    {
        var n = NormalizedString.FromOriginal("ﬁx");
        new UnicodeNormalizer(NormalizationForm.FormKC).Normalize(n);
        Assert.Equal("fix", n.Text);
        Assert.Equal(new TextRange(0, 1), n.OriginalRange(0, 1));
        Assert.Equal(new TextRange(0, 1), n.OriginalRange(1, 2));
        Assert.Equal(new TextRange(1, 2), n.OriginalRange(2, 3));
        var c = NormalizedString.FromOriginal("e\u0301 x");
        new UnicodeNormalizer(NormalizationForm.FormC).Normalize(c);
        Assert.Equal("é x", c.Text);
        Assert.Equal(new TextRange(3, 4), c.OriginalRange(2, 3));
    }

    [Fact]
    public void StripPrependAndReplaceNormalizers()
    {
        var n = NormalizedString.FromOriginal("  ab  ");
        new StripNormalizer(true, true).Normalize(n);
        new PrependNormalizer("▁").Normalize(n);
        new ReplaceNormalizer(Pattern.Literal("b"), "xy").Normalize(n);
        Assert.Equal("▁axy", n.Text);
        Assert.Equal(new TextRange(2, 3), n.OriginalRange(0, 2));
        Assert.Equal(new TextRange(3, 4), n.OriginalRange(2, 4));
    }

    [Fact]
    public void UnigramFindsTheMostLikelySegmentation()
    {
        var tokenizer = StageFixtures.FromJson("""
            {"model": {"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0], ["a", -1], ["b", -2], ["ab", -2.5], ["c", -3], ["bc", -6]]}}
            """);
        var e = tokenizer.Encode("abc");
        Assert.Equal(["ab", "c"], e.Tokens.Select(t => t.Text).ToArray());
        Assert.Equal([new TextRange(0, 2), new TextRange(2, 3)], e.Tokens.Select(t => t.Source).ToArray());
        var unk = tokenizer.Encode("abxy");
        Assert.Equal(["ab", "<unk>"], unk.Tokens.Select(t => t.Text).ToArray());
        Assert.Equal(new TextRange(2, 4), unk.Tokens[1].Source);
    }

    [Fact]
    public void WordLevelAndTemplatePair()
    {
        var tokenizer = StageFixtures.FromJson("""
            {"pre_tokenizer": {"type": "WhitespaceSplit"},
             "model": {"type": "WordLevel", "vocab": {"[UNK]": 0, "[CLS]": 1, "[SEP]": 2, "hello": 3, "world": 4}, "unk_token": "[UNK]"},
             "post_processor": {"type": "TemplateProcessing",
               "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
               "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
               "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [1], "tokens": ["[CLS]"]}, "[SEP]": {"id": "[SEP]", "ids": [2], "tokens": ["[SEP]"]}}},
             "added_tokens": [{"id": 1, "content": "[CLS]", "special": true}, {"id": 2, "content": "[SEP]", "special": true}]}
            """);
        Assert.Equal([1, 3, 0, 2], tokenizer.Encode("hello there").Ids);
        var pair = tokenizer.Encode("hello", "world there");
        Assert.Equal([3, 2, 4, 0], pair.Ids);
        Assert.Equal([0, 0, 1, 1], pair.TypeIds);
        Assert.Equal([3, 4, 0], tokenizer.Encode("hello", "world there", addSpecialTokens: false).Ids);
        Assert.Equal("hello world", tokenizer.Decode([1, 3, 4, 2]));
    }

    [Fact]
    public void BpeWithSuffixPrefixAndArrayMerges()
    {
        var tokenizer = StageFixtures.FromJson("""
            {"pre_tokenizer": {"type": "Whitespace"},
             "model": {"type": "BPE", "end_of_word_suffix": "</w>", "unk_token": "<unk>",
               "vocab": {"<unk>": 0, "a": 1, "b": 2, "b</w>": 3, "ab</w>": 4, "a</w>": 5},
               "merges": [["a", "b</w>"]]},
             "decoder": {"type": "BPEDecoder", "suffix": "</w>"}}
            """);
        var e = tokenizer.Encode("ab a zb");
        Assert.Equal(["ab</w>", "a</w>", "<unk>", "b</w>"], e.Tokens.Select(t => t.Text).ToArray());
        // <unk> is not an added special token here, so decode keeps it (as the reference does).
        Assert.Equal("ab a <unk>b", tokenizer.Decode(e.Ids));
    }

    [Fact]
    public void AddedTokenFlags()
    {
        var tokenizer = StageFixtures.FromJson("""
            {"pre_tokenizer": {"type": "WhitespaceSplit"},
             "model": {"type": "WordLevel", "vocab": {"<unk>": 0, "x": 1, "go": 2, "[M]": 3}, "unk_token": "<unk>"},
             "added_tokens": [{"id": 2, "content": "go", "special": false, "single_word": true, "normalized": false},
                              {"id": 3, "content": "[M]", "special": true, "lstrip": true, "rstrip": true, "normalized": false}]}
            """);
        var single = tokenizer.Encode("ago go");
        Assert.Equal([0, 2], single.Ids);
        Assert.Equal(new TextRange(4, 6), single.Tokens[1].Source);
        var stripped = tokenizer.Encode("x  [M]  x");
        Assert.Equal([1, 3, 1], stripped.Ids);
        Assert.Equal(new TextRange(1, 8), stripped.Tokens[1].Source);
        Assert.Equal("x x", tokenizer.Decode(stripped.Ids));
    }

    [Fact]
    public void DecodersFollowTheReference()
    {
        Assert.Equal(["\uFFFD", "\uFFFD", "a"], new ByteFallbackDecoder().DecodeChain(["<0xE2>", "<0x80>", "a"]));
        Assert.Equal(["€"], new ByteFallbackDecoder().DecodeChain(["<0xE2>", "<0x82>", "<0xAC>"]));
        Assert.Equal(["hey", " you", "!", "s"], new WordPieceDecoder().DecodeChain(["hey", "you", "!", "##s"]));
        Assert.Equal(["a", "b "], new StripDecoder(' ', 1, 0).DecodeChain([" a", "b "]));
        Assert.Equal(["ab"], new FuseDecoder().DecodeChain(["a", "b"]));
        Assert.Equal("héllo", string.Concat(new ByteLevelDecoder().DecodeChain(["h", "Ã©", "llo"])));
    }
}
