using AttentionLens.Tokenizers;
using AttentionLens.Tokenizers.Library;
using AttentionLens.Tokenizers.Pipeline;

namespace AttentionLens.Tests.Tokenizers;

/// <summary>
/// Ours against Microsoft.ML.Tokenizers 3.0.0 on a deterministic 2.5 MB corpus
/// (<see cref="DifferentialCorpus"/>): ids, UTF-16 offsets into the original text, special tokens.
/// Agreement is asserted where the library is exact; each known difference is pinned so that the
/// test fails when it disappears.
/// </summary>
public sealed class MlTokenizersCorpusDifferentialTests
{
    private static readonly Lazy<List<string>> Corpus = new(() => DifferentialCorpus.Lines(2_500_000));

    private static string Dir(string name) => SharedData.Path("golden", "tokenizers", name);

    /// <summary>GPT-2: the tiktoken engine gives our ids and offsets on every line, including the
    /// lines with letters outside the BMP, emoji, tabs and newlines.</summary>
    [Fact]
    public void Gpt2TiktokenEqualsOursOnTheCorpus()
    {
        var ours = GoldenTokenizers.Get("gpt2");
        var library = MlTokenizerFactory.TiktokenFromByteLevelVocab(Path.Combine(Dir("gpt2"), "vocab.json"), new Dictionary<string, int> { ["<|endoftext|>"] = 50256 });
        var nonBmp = 0;
        foreach (var line in Corpus.Value)
        {
            var a = ours.Encode(line, null, false);
            var b = library.EncodeToTokens(line, out _);
            var equal = a.Ids.SequenceEqual(b.Select(t => t.Id)) &&
                        a.Tokens.Select(t => (t.Source.Start, t.Source.End)).SequenceEqual(b.Select(t => (t.Offset.Start.Value, t.Offset.End.Value)));
            Assert.True(equal,
                $"ours and the library differ on \"{line}\":\n ours [{string.Join(" ", a.Tokens.Select(t => $"{t.Id}@{t.Source.Start}-{t.Source.End}"))}]\n lib  [{string.Join(" ", b.Select(t => $"{t.Id}@{t.Offset}"))}]");
            if (DifferentialCorpus.HasNonBmpLetter(line)) nonBmp++;
        }
        Assert.True(nonBmp > 100, $"the corpus has only {nonBmp} lines with non-BMP letters");
    }

    /// <summary>Pinned: after about 10,000 distinct words have gone through the tiktoken engine's
    /// cache, a literal &lt;|endoftext|&gt; is encoded as ordinary pieces instead of id 50256 (the
    /// special token is evicted from the cache it was preloaded into). Ours keeps recognising it.</summary>
    [Fact]
    public void PinnedTiktokenForgetsSpecialTokensAfterManyDistinctWords()
    {
        var library = MlTokenizerFactory.TiktokenFromByteLevelVocab(Path.Combine(Dir("gpt2"), "vocab.json"), new Dictionary<string, int> { ["<|endoftext|>"] = 50256 });
        var ours = TokenizerLoader.Load(Dir("gpt2"));
        const string probe = "a<|endoftext|>b";
        Assert.Equal([64, 50256, 65], library.EncodeToIds(probe).ToArray());
        for (var n = 0; n < 12_000; n++)
        {
            library.EncodeToTokens(" w" + n, out _);
            ours.Encode(" w" + n);
        }
        Assert.Equal([64, 50256, 65], ours.Encode(probe).Ids);
        var after = library.EncodeToIds(probe).ToArray();
        Assert.False(after.Contains(50256), "the library now keeps <|endoftext|> after 12,000 distinct words: its cache bug is fixed");
        Assert.Equal([64, 27, 91, 437, 1659, 5239, 91, 29, 65], after);
    }

    /// <summary>BERT: on lines of plain English (letters, digits, spaces, . , ? ') the library gives
    /// our ids; pinned: it differs on lines with tabs, symbols, emoji or Hangul.</summary>
    [Fact]
    public void BertEqualsOursOnPlainTextAndDiffersOnTheKnownClasses()
    {
        var ours = GoldenTokenizers.Get("bert-base-uncased");
        var library = MlTokenizerFactory.Bert(Path.Combine(Dir("bert-base-uncased"), "vocab.txt"));
        int plain = 0, differ = 0;
        foreach (var line in Corpus.Value.Take(20_000))
        {
            var a = ours.Encode(line, null, false).Ids;
            var b = library.EncodeToTokens(line, out _).Select(t => t.Id).ToArray();
            if (line.All(c => char.IsAsciiLetterOrDigit(c) || c is ' ' or '.' or ',' or '?' or '\''))
            {
                Assert.True(a.SequenceEqual(b), $"plain line \"{line}\": ours [{string.Join(",", a)}], library [{string.Join(",", b)}]");
                plain++;
            }
            else if (!a.SequenceEqual(b))
            {
                differ++;
            }
        }
        Assert.True(plain > 5_000, $"only {plain} plain lines");
        Assert.True(differ > 100, $"the library now differs on only {differ} lines with symbols, emoji, tabs or Hangul");
    }

    /// <summary>Ours with the fast paths equals ours through the general stages (ids, tokens,
    /// offsets, special flags) on every corpus line, for all four golden tokenizers.</summary>
    [Theory]
    [InlineData("gpt2")]
    [InlineData("bert-base-uncased")]
    [InlineData("roberta-base")]
    [InlineData("stories260K-tok512")]
    public void FastPathsEqualTheGeneralStages(string name)
    {
        var tokenizer = (PipelineTokenizer)GoldenTokenizers.Get(name);
        var lines = Corpus.Value.Take(15_000).Concat(GoldenCase.Load(name).Select(c => c.Text)).ToList();
        for (var k = 0; k < lines.Count; k++)
        {
            var line = lines[k];
            var pair = k % 10 == 0 ? lines[(k * 7 + 3) % lines.Count] : null; // some pairs too
            var fast = tokenizer.Encode(line, pair, true, CancellationToken.None, useFastPath: true);
            var general = tokenizer.Encode(line, pair, true, CancellationToken.None, useFastPath: false);
            Assert.True(fast.Tokens.SequenceEqual(general.Tokens),
                $"{name} on \"{line}\":\n fast    [{string.Join(" ", fast.Tokens)}]\n general [{string.Join(" ", general.Tokens)}]");
        }
    }
}
