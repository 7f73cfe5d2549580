using AttentionLens.Demo;
using AttentionLens.Tokenizers;

namespace AttentionLens.Tests.Demo;

public class WordAlignmentTests
{
    private const string Text = "the keys fell";

    private static Encoding Encoded() => new([
        new Token(2, "[CLS]", new TextRange(0, 0), true),
        new Token(10, "the", new TextRange(0, 3), false),
        new Token(11, "keys", new TextRange(4, 8), false),
        new Token(12, "fell", new TextRange(9, 13), false),
        new Token(3, "[SEP]", new TextRange(13, 13), true),
    ]);

    [Fact]
    public void WordsMapToTheirTokensThroughOffsets()
    {
        var e = Encoded();
        Assert.Equal(1, WordAlignment.TokenOfWord(e, Text, 0));
        Assert.Equal(2, WordAlignment.TokenOfWord(e, Text, 1));
        Assert.Equal(3, WordAlignment.TokenOfWord(e, Text, 2));
        Assert.Equal([1, 2, 3], WordAlignment.WordTokens(e));
    }

    [Fact]
    public void MissingWordIsADomainError()
    {
        var e = Encoded();
        Assert.Throws<AttentionLensException>(() => WordAlignment.TokenOfWord(e, Text, 3));
        var shifted = new Encoding([new Token(10, "the", new TextRange(1, 3), false)]);
        Assert.Contains("does not match", Assert.Throws<AttentionLensException>(() => WordAlignment.TokenOfWord(shifted, Text, 0)).Message);
    }
}
