using AttentionLens.Tokenizers;

namespace AttentionLens.Tests.Tokenizers;

/// <summary>A single 100,000-character word must tokenize in bounded time: BPE merges run with a
/// priority queue (O(n log n)); a quadratic merge loop would take minutes here and fail the bound.</summary>
public class LongWordTests
{
    private const int Length = 100_000;

    private static string RandomWord()
    {
        var random = new Random(1234);
        var chars = new char[Length];
        for (var i = 0; i < chars.Length; i++) chars[i] = (char)('a' + random.Next(26));
        return new string(chars);
    }

    [Theory]
    [InlineData("gpt2")]
    [InlineData("roberta-base")]
    [InlineData("stories260K-tok512")]
    public async Task HundredThousandCharacterWordIsBounded(string name)
    {
        var tokenizer = GoldenTokenizers.Get(name);
        var word = RandomWord();
        var task = Task.Run(() => tokenizer.Encode(word, addSpecialTokens: false));
        var finished = await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(20)));
        Assert.True(finished == task, $"{name}: a {Length}-character word did not tokenize within 20 s (quadratic merging?)");
        var e = await task;
        Assert.Equal(0, e.Tokens[0].Source.Start);
        Assert.Equal(Length, e.Tokens[^1].Source.End);
        Assert.Equal(word, tokenizer.Decode(e.Ids));
    }

    [Fact]
    public async Task Tok512ModelLongWordIsBounded()
    {
        var tokenizer = TokenizerLoader.LoadFile(SharedData.Path("golden", "tokenizers", "stories260K-tok512", "tok512.model"));
        var word = RandomWord();
        var task = Task.Run(() => tokenizer.Encode(word));
        var finished = await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(20)));
        Assert.True(finished == task, "tok512.model: a 100,000-character word did not tokenize within 20 s");
        Assert.Equal(GoldenTokenizers.Get("stories260K-tok512").Encode(word).Ids, (await task).Ids);
    }

    [Fact]
    public void WordPieceLongWordIsOneUnknownToken()
    {
        var e = GoldenTokenizers.Get("bert-base-uncased").Encode(RandomWord(), addSpecialTokens: false);
        var t = Assert.Single(e.Tokens);
        Assert.Equal("[UNK]", t.Text);
        Assert.Equal(new TextRange(0, Length), t.Source);
        // 100 characters is the limit (max_input_chars_per_word): 100 still splits, 101 is unknown.
        Assert.NotEqual("[UNK]", GoldenTokenizers.Get("bert-base-uncased").Encode(new string('a', 100), addSpecialTokens: false).Tokens[0].Text);
        Assert.Equal("[UNK]", GoldenTokenizers.Get("bert-base-uncased").Encode(new string('a', 101), addSpecialTokens: false).Tokens[0].Text);
    }
}
