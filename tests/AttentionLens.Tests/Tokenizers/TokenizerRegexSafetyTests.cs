using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using AttentionLens.Tokenizers;
using AttentionLens.Tokenizers.Normalizers;

namespace AttentionLens.Tests.Tokenizers;

/// <summary>Issue 14: a regex from a tokenizer file cannot hang encoding, a timeout names the file and
/// the field, and encoding observes cancellation.</summary>
public sealed class TokenizerRegexSafetyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("al-tok-regex-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string Hostile = new string('a', 40) + "!";

    private ITokenizer LoadWithSplit(string regex)
    {
        var pattern = System.Text.Json.JsonSerializer.Serialize(regex);
        File.WriteAllText(Path.Combine(_dir, "tokenizer.json"), $$$"""
            {"pre_tokenizer": {"type": "Sequence", "pretokenizers": [
                {"type": "WhitespaceSplit"},
                {"type": "Split", "pattern": {"Regex": {{{pattern}}}}, "behavior": "Isolated", "invert": false}]},
             "model": {"type": "WordLevel", "vocab": {"[UNK]": 0, "a": 1, "!": 2}, "unk_token": "[UNK]"}}
            """);
        return TokenizerLoader.Load(_dir);
    }

    [Fact]
    public void CatastrophicPatternWithoutLookaroundsRunsOnTheLinearEngine()
    {
        // (a+)+$ on 40 'a's and a '!' takes 2^40 steps when backtracking; the non-backtracking
        // engine answers in linear time with the same (absent) match.
        var tokenizer = LoadWithSplit("(a+)+$");
        var clock = Stopwatch.StartNew();
        var encoding = tokenizer.Encode(Hostile);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        Assert.Equal([0], encoding.Ids); // no match: one piece, unknown as a whole word
        Assert.True(Pattern.FromRegex("(a+)+$").IsNonBacktracking);
    }

    [Fact]
    public void CatastrophicPatternNeedingBacktrackingTimesOutWithTheFileAndField()
    {
        // A lookahead forces the backtracking engine; its match time limit stops it.
        var tokenizer = LoadWithSplit("(?=a)(a+)+$");
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<TokenizerException>(() => tokenizer.Encode(Hostile));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        Assert.Contains("tokenizer.json", e.Message);
        Assert.Contains("pre_tokenizer.pretokenizers[1].pattern", e.Message);
        Assert.Contains("backtracks catastrophically", e.Message);
        Assert.Equal("pre_tokenizer.pretokenizers[1].pattern", e.Field);
        Assert.IsType<RegexMatchTimeoutException>(e.InnerException);
    }

    [Fact]
    public void HostileNormalizerPatternTimesOutWithTheField()
    {
        File.WriteAllText(Path.Combine(_dir, "tokenizer.json"), """
            {"normalizer": {"type": "Sequence", "normalizers": [{"type": "Lowercase"},
                {"type": "Replace", "pattern": {"Regex": "(a|aa)+(?!a)!x"}, "content": "b"}]},
             "model": {"type": "WordLevel", "vocab": {"[UNK]": 0}, "unk_token": "[UNK]"}}
            """);
        var tokenizer = TokenizerLoader.Load(_dir);
        var e = Assert.Throws<TokenizerException>(() => tokenizer.Encode(new string('a', 60) + "!"));
        Assert.Equal("normalizer.normalizers[1].pattern", e.Field);
    }

    /// <summary>The engines agree: every regex of the golden tokenizer files and common Hugging Face
    /// patterns that the non-backtracking engine accepts give the same matches as the backtracking
    /// engine on the golden sentences and a mixed-script text.</summary>
    [Fact]
    public void NonBacktrackingMatchesEqualBacktrackingOnGoldenText()
    {
        var patterns = new List<string>
        {
            " {2,}", @"\A +| +\z", @"\s+", @"\p{P}", @"[0-9]", @"\p{N}{1,3}", @" ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+",
            @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+", @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}",
            @"a|ab", @"\w+|[^\w\s]+", "▁", @"[\u4e00-\u9fff]",
        };
        foreach (var name in new[] { "gpt2", "bert-base-uncased", "roberta-base", "stories260K-tok512" })
        {
            var json = File.ReadAllText(SharedData.Path("golden", "tokenizers", name, "tokenizer.json"));
            foreach (Match m in Regex.Matches(json, "\"Regex\":\\s*(\"(?:[^\"\\\\]|\\\\.)*\")"))
                patterns.Add(System.Text.Json.JsonSerializer.Deserialize<string>(m.Groups[1].Value)!);
        }
        var texts = GoldenCase.Load("gpt2").Select(c => c.Text).ToList();
        texts.Add(string.Join("  ", texts) + "  ");
        var checkedCount = 0;
        foreach (var p in patterns)
        {
            var fast = Pattern.FromRegex(p);
            // Also the Metaspace patterns SpaceRunMatcher matches by hand (no engine is built for them).
            if (!fast.IsNonBacktracking && !SpaceRunMatcher.Handles(p)) continue;
            var slow = new Regex(p, RegexOptions.CultureInvariant);
            foreach (var t in texts)
            {
                var expected = slow.Matches(t).Where(m => m.Length > 0).Select(m => (m.Index, m.Index + m.Length)).ToList();
                var actual = fast.Matches(t);
                Assert.True(expected.SequenceEqual(actual), $"pattern /{p}/ on \"{t}\": backtracking [{string.Join(",", expected)}], non-backtracking [{string.Join(",", actual)}]");
            }
            checkedCount++;
        }
        Assert.True(checkedCount >= 12, $"only {checkedCount} patterns ran on the non-backtracking engine or by hand");
    }

    [Fact]
    public void CancellationStopsEncodingOfALongText()
    {
        // A pattern-driven pipeline on ~8 MB: long enough that it would run for seconds uncancelled.
        var tokenizer = LoadWithSplit(@"\p{L}+|\p{N}+|[^\s\p{L}\p{N}]+");
        var sb = new StringBuilder();
        var words = GoldenCase.Load("gpt2").Select(c => c.Text).ToArray();
        while (sb.Length < 8_000_000) sb.Append(words[sb.Length % words.Length]).Append(' ');
        var text = sb.ToString();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var clock = Stopwatch.StartNew();
        Assert.ThrowsAny<OperationCanceledException>(() => tokenizer.Encode(text, null, true, cts.Token));
        // A generous bound (a loaded CI machine); the point is that it stops at all.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"stopped only after {clock.Elapsed}");
    }

    [Fact]
    public void CancelledTokenStopsBeforeEncoding()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => GoldenTokenizers.Get("gpt2").Encode("hello", null, true, cts.Token));
        Assert.Equal(GoldenTokenizers.Get("gpt2").Encode("hello").Ids, GoldenTokenizers.Get("gpt2").Encode("hello", null, true, CancellationToken.None).Ids);
    }

    [Fact]
    public void BacktrackingPatternChecksCancellationBeforeEveryMatch()
    {
        // A lookahead keeps the pattern on the backtracking engine, where one match may take up to
        // the time limit: a few matches must already observe a cancelled token, not a thousand.
        var pattern = Pattern.FromRegex(@"\w+(?=\s)");
        Assert.False(pattern.IsNonBacktracking);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => pattern.Matches("a b c ", cts.Token));
        Assert.Equal([(0, 1), (2, 3), (4, 5)], pattern.Matches("a b c ", CancellationToken.None));
    }
}
