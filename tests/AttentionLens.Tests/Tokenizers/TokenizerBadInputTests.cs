using AttentionLens.Tokenizers;

namespace AttentionLens.Tests.Tokenizers;

/// <summary>Broken tokenizer files fail with a <see cref="TokenizerException"/> naming the file and the field.</summary>
public sealed class TokenizerBadInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("al-tok-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private TokenizerException LoadFails(string file, string content)
    {
        File.WriteAllText(Path.Combine(_dir, file), content);
        return Assert.Throws<TokenizerException>(() => TokenizerLoader.Load(_dir));
    }

    private const string Bpe = """
        "model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b"]}
        """;

    [Fact]
    public void UnknownStageTypeNamesTheField()
    {
        var e = LoadFails("tokenizer.json", "{\"normalizer\": {\"type\": \"Frobnicate\"}, " + Bpe + "}");
        Assert.Contains("tokenizer.json", e.Message);
        Assert.Contains("normalizer.type", e.Message);
        Assert.Contains("Frobnicate", e.Message);
        var d = LoadFails("tokenizer.json", "{\"decoder\": {\"type\": \"Sequence\", \"decoders\": [{\"type\": \"Nope\"}]}, " + Bpe + "}");
        Assert.Contains("decoder.decoders[0].type", d.Message);
    }

    [Fact]
    public void MissingVocabularyNamesTheField()
    {
        var e = LoadFails("tokenizer.json", """{"model": {"type": "BPE", "merges": []}}""");
        Assert.Contains("tokenizer.json", e.Message);
        Assert.Contains("model.vocab", e.Message);
        var empty = LoadFails("tokenizer.json", """{"model": {"type": "WordPiece", "vocab": {}}}""");
        Assert.Contains("model.vocab", empty.Message);
    }

    [Fact]
    public void MergesNamingUnknownTokensNameTheMerge()
    {
        var e = LoadFails("tokenizer.json", """{"model": {"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": ["a b", "a zz"]}}""");
        Assert.Contains("tokenizer.json", e.Message);
        Assert.Contains("model.merges[0]", e.Message);
        var pairs = LoadFails("tokenizer.json", """{"model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": [["a", "b"], ["b", "q"]]}}""");
        Assert.Contains("model.merges[1]", pairs.Message);
        Assert.Contains("\"q\"", pairs.Message);
    }

    [Fact]
    public void MergesTxtNamingUnknownTokensNamesTheFile()
    {
        File.WriteAllText(Path.Combine(_dir, "vocab.json"), """{"a": 0, "b": 1, "ab": 2}""");
        var e = LoadFails("merges.txt", "#version: 0.2\na b\nb x\n");
        Assert.Contains("merges.txt", e.Message);
        Assert.Contains("\"x\"", e.Message);
    }

    [Fact]
    public void MalformedJsonNamesTheFileAndPosition()
    {
        var e = LoadFails("tokenizer.json", "{\"model\": {\"type\": \"BPE\", ");
        Assert.Contains("tokenizer.json", e.Message);
        Assert.Contains("not valid JSON", e.Message);
        Assert.Contains("line", e.Message);
        var wrongKind = LoadFails("tokenizer.json", """{"model": {"type": "BPE", "vocab": {"a": "zero"}, "merges": []}}""");
        Assert.Contains("model.vocab.a", wrongKind.Message);
    }

    [Theory]
    [InlineData("this is plainly a text file, not a protobuf\n")]
    [InlineData("{\"model\": {\"type\": \"BPE\"}}")]
    [InlineData("\n\u0005\u0001")]
    public void ModelFileThatIsNotSentencePieceNamesTheFile(string content)
    {
        var e = LoadFails("tokenizer.model", content);
        Assert.Contains("tokenizer.model", e.Message);
        Assert.Contains("SentencePiece", e.Message);
        Assert.False(string.IsNullOrEmpty(e.Field));
    }

    [Fact]
    public void EmptyFolderSaysWhatIsExpected()
    {
        var e = Assert.Throws<AttentionLensException>(() => TokenizerLoader.Load(_dir));
        Assert.Contains("tokenizer.json", e.Message);
        Assert.Contains("tokenizer.model", e.Message);
    }
}
