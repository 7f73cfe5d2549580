using AttentionLens.Tokenizers;
using AttentionLens.Tokenizers.Normalizers;
using AttentionLens.Tokenizers.Pipeline;

namespace AttentionLens.Tests.Tokenizers;

/// <summary>The known traps of exact offsets, each on the real tokenizers of golden/tokenizers.</summary>
public class TokenizerTrapTests
{
    private static ITokenizer Load(string name) => GoldenTokenizers.Get(name);

    [Fact]
    public void ByteLevelPiecesOfOneCharacterShareItsRange()
    {
        // 語 is three UTF-8 bytes; GPT-2 has no single token for it, so it splits into byte pieces.
        var e = Load("gpt2").Encode("語");
        Assert.True(e.Count > 1, $"expected several byte-level pieces, got {e.Count}");
        Assert.All(e.Tokens, t => Assert.Equal(new TextRange(0, 1), t.Source));
    }

    [Theory]
    [InlineData("gpt2")]
    [InlineData("stories260K-tok512")]
    public void CharactersOutsideTheBmpKeepBothSurrogates(string name)
    {
        const string text = "a🦙b 😀";
        var e = Load(name).Encode(text, addSpecialTokens: false);
        foreach (var t in e.Tokens)
        {
            Assert.False(t.Source.Start > 0 && t.Source.Start < text.Length && char.IsLowSurrogate(text[t.Source.Start]),
                $"{name}: token {t.Text} starts inside a surrogate pair at {t.Source.Start}");
            Assert.False(t.Source.End > 0 && t.Source.End < text.Length && char.IsLowSurrogate(text[t.Source.End]),
                $"{name}: token {t.Text} ends inside a surrogate pair at {t.Source.End}");
        }
        Assert.Contains(e.Tokens, t => t.Source == new TextRange(1, 3));
        Assert.Contains(e.Tokens, t => t.Source.End == 7);
    }

    [Fact]
    public void CombiningAccentsStayWithTheirBaseLetter()
    {
        // "e" + U+0301: BERT decomposes and strips the accent; the token still starts at the e.
        var bert = Load("bert-base-uncased").Encode("cafe\u0301 x", addSpecialTokens: false);
        Assert.Equal("cafe", bert.Tokens[0].Text);
        Assert.Equal(new TextRange(0, 4), bert.Tokens[0].Source);
        Assert.Equal(new TextRange(6, 7), bert.Tokens[^1].Source);
        // GPT-2 keeps the mark as bytes: every token covers whole characters, together the whole text.
        var gpt2 = Load("gpt2").Encode("cafe\u0301");
        Assert.Equal(0, gpt2.Tokens[0].Source.Start);
        Assert.Equal(5, gpt2.Tokens[^1].Source.End);
    }

    [Fact]
    public void CjkIdeographsAreSeparateWordsForBert()
    {
        var e = Load("bert-base-uncased").Encode("日本語", addSpecialTokens: false);
        Assert.Equal(["日", "本", "語"], e.Tokens.Select(t => t.Text).ToArray());
        Assert.Equal([new TextRange(0, 1), new TextRange(1, 2), new TextRange(2, 3)], e.Tokens.Select(t => t.Source).ToArray());
    }

    [Fact]
    public void WhitespaceRunsTabsAndCrLfAreCoveredExactly()
    {
        const string text = "a  \t b\r\n\r\nc   ";
        var e = Load("gpt2").Encode(text);
        // Byte-level BPE loses nothing: the token ranges tile the text without gaps or overlaps.
        var at = 0;
        foreach (var t in e.Tokens)
        {
            Assert.Equal(at, t.Source.Start);
            at = t.Source.End;
        }
        Assert.Equal(text.Length, at);
        Assert.Equal(text, Load("gpt2").Decode(e.Ids));
        // BERT drops the whitespace: words keep their exact positions.
        var bert = Load("bert-base-uncased").Encode(text, addSpecialTokens: false);
        Assert.Equal([new TextRange(0, 1), new TextRange(5, 6), new TextRange(10, 11)], bert.Tokens.Select(t => t.Source).ToArray());
    }

    [Fact]
    public void SpecialTokensInTextAreMatchedButNotMarkedSpecial()
    {
        var roberta = Load("roberta-base").Encode("x <s> y", addSpecialTokens: false);
        var s = Assert.Single(roberta.Tokens, t => t.Id == 0);
        Assert.Equal(new TextRange(2, 5), s.Source);
        Assert.False(s.IsSpecial);
        var bert = Load("bert-base-uncased").Encode("a [SEP] b");
        Assert.Equal([101, 1037, 102, 1038, 102], bert.Ids);
        Assert.Equal([true, false, false, false, true], bert.Tokens.Select(t => t.IsSpecial).ToArray());
        Assert.Equal(new TextRange(2, 7), bert.Tokens[2].Source);
        Assert.Equal("a b", Load("bert-base-uncased").Decode(bert.Ids));
    }

    [Fact]
    public void LowercasingIsPerCharacterWithoutFinalSigma()
    {
        var n = NormalizedString.FromOriginal("ΣΊΣΥΦΟΣ");
        new LowercaseNormalizer().Normalize(n);
        Assert.Equal("σίσυφοσ", n.Text);
        Assert.Equal('\u03C3', n.Text[^1]);
        var bert = Load("bert-base-uncased").Encode("ΣΊΣΥΦΟΣ", addSpecialTokens: false);
        Assert.Equal(new TextRange(0, 7), new TextRange(bert.Tokens[0].Source.Start, bert.Tokens[^1].Source.End));
        Assert.DoesNotContain(bert.Tokens, t => t.Text.Contains('ς'));
    }

    [Fact]
    public void DottedCapitalILowercasesToTwoCharactersWithOneRange()
    {
        var n = NormalizedString.FromOriginal("İx");
        new LowercaseNormalizer().Normalize(n);
        Assert.Equal("i\u0307x", n.Text);
        Assert.Equal(new TextRange(0, 1), n.OriginalRange(0, 2));
        Assert.Equal(new TextRange(1, 2), n.OriginalRange(2, 3));
    }

    [Theory]
    [InlineData("gpt2")]
    [InlineData("bert-base-uncased")]
    [InlineData("roberta-base")]
    [InlineData("stories260K-tok512")]
    public void LoneSurrogatesBecomeReplacementCharacters(string name)
    {
        var tokenizer = Load(name);
        foreach (var text in new[] { "a\uD800b", "\uDC00", "x\uD83D", "\uDE00\uD83D y" })
        {
            var e = tokenizer.Encode(text);
            Assert.All(e.Tokens, t => Assert.InRange(t.Source.End, t.Source.Start, text.Length));
            var reference = tokenizer.Encode(text.Replace('\uD800', '\uFFFD').Replace('\uDC00', '\uFFFD').Replace('\uD83D', '\uFFFD').Replace('\uDE00', '\uFFFD'));
            Assert.Equal(reference.Ids, e.Ids);
        }
    }

    [Fact]
    public void SentencePairsGetTypeIds()
    {
        var bert = Load("bert-base-uncased").Encode("a b", "c");
        Assert.Equal([101, 1037, 1038, 102, 1039, 102], bert.Ids);
        Assert.Equal([0, 0, 0, 0, 1, 1], bert.TypeIds);
        Assert.Equal(new TextRange(0, 1), bert.Tokens[4].Source);
        var roberta = Load("roberta-base").Encode("a", "b");
        Assert.Equal([0, 102, 2, 2, 428, 2], roberta.Ids); // vocab.json: "a" 102, "b" 428
        Assert.Equal([0, 0, 0, 0, 0, 0], roberta.TypeIds);
        var stories = Load("stories260K-tok512").Encode("a", "b");
        Assert.Equal([1, 1], stories.Tokens.Where(t => t.IsSpecial).Select(t => t.Id).ToArray());
        Assert.Equal(1, stories.TypeIds[^1]);
    }

    [Fact]
    public void BertPairMatchesTransformersTokenTypes()
    {
        var reference = SafetensorsInts.Read(SharedData.Path("golden", "hf", "bert", "reference", "pair_token_types.safetensors"));
        var e = TokenizerLoader.Load(SharedData.Path("golden", "hf", "bert")).Encode("a tiny test of attention.", "the cat sat on the mat.");
        Assert.Equal(reference["input.input_ids"], e.Ids.Select(i => (long)i).ToArray());
        Assert.Equal(reference["input.token_type_ids"], e.TypeIds.Select(i => (long)i).ToArray());
    }
}
