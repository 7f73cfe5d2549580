using AttentionLens.Tokenizers;

namespace AttentionLens.Tests.Tokenizers;

/// <summary>The <see cref="ITokenizer"/> surface other parts use: vocabulary size and lookups, and
/// concurrent use of one instance.</summary>
public class TokenizerApiTests
{
    [Theory]
    [InlineData("gpt2", 50257, "<|endoftext|>", 50256)]
    [InlineData("bert-base-uncased", 30522, "[CLS]", 101)]
    [InlineData("roberta-base", 50265, "<mask>", 50264)]
    [InlineData("stories260K-tok512", 512, "<s>", 1)]
    public void VocabularyAndLookups(string name, int size, string token, int id)
    {
        var tokenizer = GoldenTokenizers.Get(name);
        Assert.Equal(size, tokenizer.VocabSize);
        Assert.Equal(id, tokenizer.TokenToId(token));
        Assert.Equal(token, tokenizer.IdToToken(id));
        Assert.Null(tokenizer.TokenToId("no such token ☃☃☃"));
        Assert.Null(tokenizer.IdToToken(-1));
    }

    [Fact]
    public void ConcurrentEncodesAgreeWithSequentialOnes()
    {
        var tokenizer = GoldenTokenizers.Get("gpt2");
        var cases = GoldenCase.Load("gpt2");
        var results = new int[cases.Count * 8][];
        Parallel.For(0, results.Length, i => results[i] = tokenizer.Encode(cases[i % cases.Count].Text).Ids);
        for (var i = 0; i < results.Length; i++) Assert.Equal(cases[i % cases.Count].Ids, results[i]);
    }
}
